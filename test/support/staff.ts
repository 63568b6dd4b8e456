import type { Actor } from "../../core/access/permissions.ts";
import type { StaffRole } from "../../core/db/client.ts";
import { inviteStaff } from "../../core/staff/invite-staff.ts";
import type { BotHarness } from "./bot-harness.ts";

/** The owner as `npm run staff:invite` acts: before any staff exists. */
export const cliOwner: Actor = { staffId: null, role: "OWNER", via: "cli" };

/** A Telegram user who joined as staff by opening a fresh invite link. */
export async function staffUser(
  h: BotHarness,
  options: { id: number; role?: StaffRole; name?: string },
) {
  const name = options.name ?? "Марина";
  const { code } = await inviteStaff(h.db.sql, {
    actor: cliOwner,
    name,
    role: options.role ?? "CASHIER",
  });
  const user = h.user({ id: options.id, first_name: name });
  await user.sendCommand("/start", `staff_${code}`);
  const staff = await h.db.prisma.staffMember.findUnique({
    where: { telegramId: BigInt(user.id) },
  });
  if (!staff) throw new Error("the invite did not make a staff member");
  const actor: Actor = { staffId: staff.id, role: staff.role, via: "telegram" };
  return { user, staff, actor };
}

/** Waits until `check` holds (the harness's dispatcher looks for work every 20 ms). */
export async function until(check: () => Promise<boolean> | boolean, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
