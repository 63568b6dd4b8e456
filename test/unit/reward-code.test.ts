import { describe, expect, it } from "vitest";
import { parseStartPayload } from "../../core/customers/deep-link.ts";
import {
  CODE_ALPHABET,
  formatRewardCode,
  generateRewardCode,
  parseRewardCode,
  rewardDeepLink,
} from "../../core/rewards/code.ts";
import { redemptionIdFor } from "../../core/rewards/redeem-reward.ts";

describe("reward codes", () => {
  it("are eight characters without look-alikes, mixing letters and digits", () => {
    expect(CODE_ALPHABET).not.toMatch(/[01ILO]/);
    const codes = new Set(Array.from({ length: 2000 }, generateRewardCode));
    expect(codes.size).toBe(2000);
    for (const code of codes) {
      expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
      expect(code).toMatch(/\d/);
      expect(code).toMatch(/[A-Z]/);
      expect(parseRewardCode(formatRewardCode(code))).toBe(code);
    }
  });

  it("are read back as typed or scanned, and nothing else passes for one", () => {
    expect(formatRewardCode("ABCD2345")).toBe("ABCD-2345");
    for (const typed of ["ABCD-2345", "abcd-2345", " abcd 2345 ", "ABCD2345"]) {
      expect(parseRewardCode(typed)).toBe("ABCD2345");
    }
    for (const other of [
      "ABCDEFGH", // a word, or an @username
      "23456789", // digits only
      "ABCD-0123", // 0 and 1 are not in the alphabet
      "ABCD--2345",
      "ABC-D2345",
      "ABCD23456",
      "@ABCD2345",
      "1234 5678 9012",
      "",
    ]) {
      expect(parseRewardCode(other), other).toBeNull();
    }
  });

  it("travel in a deep link that /start parses", () => {
    expect(rewardDeepLink("aurora_bot", "ABCD2345")).toBe(
      "https://t.me/aurora_bot?start=reward_ABCD2345",
    );
    expect(parseStartPayload("reward_abcd2345")).toEqual({ kind: "reward", code: "ABCD2345" });
    expect(parseStartPayload("reward_ABC")).toEqual({ kind: "none" });
  });

  it("are issued once per customer and key", () => {
    const id = redemptionIdFor("c1", "tg:1:2");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(redemptionIdFor("c1", "tg:1:2")).toBe(id);
    expect(redemptionIdFor("c2", "tg:1:2")).not.toBe(id);
    expect(redemptionIdFor("c1", "tg:1:3")).not.toBe(id);
  });
});
