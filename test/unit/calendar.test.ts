import { describe, expect, it } from "vitest";
import { birthdayOccurrences } from "../../core/loyalty/birthday-bonus.ts";
import { expiryCutoff, expiryWarningLeadDays } from "../../core/loyalty/expiry.ts";
import { LoyaltySettingsSchema } from "../../core/loyalty/settings.ts";
import { addDays, isoDate, localDateOf, startOfLocalDay } from "../../core/scheduling/calendar.ts";

describe("the business calendar", () => {
  it("knows which day it is in the business's time zone", () => {
    const lateEvening = new Date("2026-12-31T21:30:00Z");
    expect(localDateOf(lateEvening, "Europe/Moscow")).toEqual({ year: 2027, month: 1, day: 1 });
    expect(localDateOf(lateEvening, "UTC")).toEqual({ year: 2026, month: 12, day: 31 });
  });

  it("finds where a day begins, across daylight saving changes", () => {
    expect(startOfLocalDay({ year: 2027, month: 1, day: 1 }, "Europe/Moscow").toISOString()).toBe(
      "2026-12-31T21:00:00.000Z",
    );
    // New York: the clocks go forward on 8 March 2026 and back on 1 November 2026.
    const ny = (month: number, day: number) =>
      startOfLocalDay({ year: 2026, month, day }, "America/New_York").toISOString();
    expect(ny(3, 8)).toBe("2026-03-08T05:00:00.000Z");
    expect(ny(3, 9)).toBe("2026-03-09T04:00:00.000Z");
    expect(ny(11, 1)).toBe("2026-11-01T04:00:00.000Z");
    expect(ny(11, 2)).toBe("2026-11-02T05:00:00.000Z");
  });

  it("counts days over month, year and leap-day boundaries", () => {
    expect(isoDate(addDays({ year: 2026, month: 12, day: 30 }, 3))).toBe("2027-01-02");
    expect(isoDate(addDays({ year: 2028, month: 3, day: 1 }, -1))).toBe("2028-02-29");
    expect(isoDate(addDays({ year: 2027, month: 3, day: 1 }, -1))).toBe("2027-02-28");
  });
});

describe("birthday windows", () => {
  const keys = (today: string, daysBefore: number, daysAfter: number) => {
    const [year, month, day] = today.split("-").map(Number) as [number, number, number];
    return birthdayOccurrences({ year, month, day }, { daysBefore, daysAfter }).map(
      (o) => `${o.year}:${o.month}-${o.day}`,
    );
  };

  it("celebrates a 31 December birthday in January as last year's", () => {
    expect(keys("2027-01-02", 0, 2)).toEqual(["2026:12-31", "2027:1-1", "2027:1-2"]);
  });

  it("celebrates a 1 January birthday in December as next year's", () => {
    expect(keys("2026-12-29", 3, 0)).toEqual([
      "2026:12-29",
      "2026:12-30",
      "2026:12-31",
      "2027:1-1",
    ]);
  });

  it("celebrates 29 February on 28 February in a common year only", () => {
    expect(keys("2027-02-28", 0, 0)).toEqual(["2027:2-28", "2027:2-29"]);
    expect(keys("2028-02-28", 0, 0)).toEqual(["2028:2-28"]);
    expect(keys("2028-02-29", 0, 0)).toEqual(["2028:2-29"]);
  });
});

describe("expiry dates", () => {
  const day = { year: 2027, month: 3, day: 10 };

  it("keeps points earned N − 1 days ago and takes those earned N days ago", () => {
    const cutoff = expiryCutoff({ kind: "after_days", days: 30 }, day);
    // 10 March: points earned on 8 February (30 days ago) expire today; from 9 February on, not.
    expect(cutoff && isoDate(cutoff)).toBe("2027-02-09");
  });

  it("takes everything earned before the year began, all year long", () => {
    const cutoff = expiryCutoff({ kind: "end_of_year" }, day);
    expect(cutoff && isoDate(cutoff)).toBe("2027-01-01");
    expect(expiryCutoff({ kind: "never" }, day)).toBeNull();
  });

  it("never warns before the points were earned", () => {
    const settings = (days: number, warn: number) =>
      LoyaltySettingsSchema.parse({
        expiry: { kind: "after_days", days },
        expiryWarningDays: warn,
      });
    expect(expiryWarningLeadDays(settings(365, 14))).toBe(14);
    expect(expiryWarningLeadDays(settings(7, 14))).toBe(6);
    expect(expiryWarningLeadDays(settings(1, 14))).toBe(0);
  });
});
