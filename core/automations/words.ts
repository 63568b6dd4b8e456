import type { LocalDate } from "../scheduling/calendar.ts";

/** A day as the owner's words show it: "31.12.2026" reads the same in Russian and English. */
export const dayMonthYear = (date: LocalDate) =>
  `${String(date.day).padStart(2, "0")}.${String(date.month).padStart(2, "0")}.${date.year}`;
