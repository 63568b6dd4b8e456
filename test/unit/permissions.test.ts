import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  can,
  minimumRole,
  Permission,
  requireNotOwnCard,
  requirePermission,
} from "../../core/access/permissions.ts";
import { StaffRoles } from "../../core/access/roles.ts";
import { AppError } from "../../core/errors.ts";

describe("roles and permissions", () => {
  it("the README's table is the permissions table", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const table = /<!-- roles:start -->([\s\S]*?)<!-- roles:end -->/.exec(readme)?.[1] ?? "";
    const rows = table
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) => line.split("|").map((cell) => cell.trim()));
    const header = table.split("\n").find((line) => line.startsWith("| permission")) ?? "";
    const roles = header
      .split("|")
      .map((cell) => cell.trim())
      .slice(3, -1);
    expect(roles.sort()).toEqual([...StaffRoles].sort());
    expect(rows.map((row) => row[1]?.replaceAll("`", "")).sort()).toEqual(
      Object.values(Permission).sort(),
    );
    for (const row of rows) {
      const permission = row[1]?.replaceAll("`", "") as Permission;
      roles.forEach((role, index) => {
        expect(row[3 + index] === "✓", `${permission} for ${role}`).toBe(
          can(role as (typeof StaffRoles)[number], permission),
        );
      });
    }
  });

  it("each role has everything the role below it has", () => {
    for (const permission of Object.values(Permission)) {
      if (can("CASHIER", permission)) expect(can("MANAGER", permission)).toBe(true);
      if (can("MANAGER", permission)) expect(can("OWNER", permission)).toBe(true);
    }
    expect(minimumRole(Permission.recordPurchase)).toBe("CASHIER");
    expect(minimumRole(Permission.refundPurchase)).toBe("MANAGER");
    expect(minimumRole(Permission.manageSettings)).toBe("OWNER");
  });

  it("refuses a role without the permission, and anyone serving their own card", () => {
    const cashier = {
      staffId: "s1",
      role: "CASHIER" as const,
      via: "telegram",
      ownCustomerId: "c1",
    };
    expect(() => requirePermission(cashier, Permission.adjustPoints)).toThrow(AppError);
    expect(() => requirePermission(cashier, Permission.recordPurchase)).not.toThrow();
    expect(() => requireNotOwnCard(cashier, "c1")).toThrow(/own card/);
    expect(() => requireNotOwnCard(cashier, "c2")).not.toThrow();
    expect(() => requireNotOwnCard({ ...cashier, role: "OWNER" }, "c1")).toThrow(/own card/);
  });
});
