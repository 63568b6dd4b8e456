import { describe, expect, it } from "vitest";
import { parseStartPayload } from "../../core/customers/deep-link.ts";
import {
  parseBirthday,
  parseCity,
  parseEmail,
  parseName,
  parsePhone,
} from "../../core/profile/validation.ts";

const now = new Date("2026-11-25T12:00:00Z");

describe("names", () => {
  it("keep any script, emoji, hyphens and apostrophes, tidy spaces", () => {
    expect(parseName("  Анна-Мария   Smith ")).toEqual({ ok: true, value: "Анна-Мария Smith" });
    expect(parseName("O'Neil")).toEqual({ ok: true, value: "O'Neil" });
    expect(parseName("李小龙")).toEqual({ ok: true, value: "李小龙" });
    expect(parseName("Ника 🌸")).toEqual({ ok: true, value: "Ника 🌸" });
  });
  it("reject empty, letterless and over-long names with a reason", () => {
    expect(parseName("   ")).toEqual({ ok: false, reason: "name_empty" });
    expect(parseName("🌸🌸🌸")).toEqual({ ok: false, reason: "name_no_letters" });
    expect(parseName("12345")).toEqual({ ok: false, reason: "name_no_letters" });
    expect(parseName("я".repeat(10_000))).toEqual({ ok: false, reason: "name_too_long" });
  });
  it("drop invisible control characters", () => {
    expect(parseName("Ан\u0000на\u200b")).toEqual({ ok: true, value: "Анна" });
  });
});

describe("phones", () => {
  it("normalise Russian numbers written every usual way to E.164", () => {
    for (const input of [
      "+7 999 123-45-67",
      "8 (999) 123-45-67",
      "89991234567",
      "79991234567",
      "9991234567",
    ]) {
      expect(parsePhone(input, "RU")).toEqual({
        ok: true,
        value: { e164: "+79991234567", country: "RU" },
      });
    }
  });
  it("accept valid numbers from other countries", () => {
    expect(parsePhone("+44 20 7946 0958", "RU")).toEqual({
      ok: true,
      value: { e164: "+442079460958", country: "GB" },
    });
    expect(parsePhone("+375 29 123-45-67", "RU")).toMatchObject({
      ok: true,
      value: { country: "BY" },
    });
  });
  it("reject what is not a phone number", () => {
    for (const input of ["12345", "hello", "+7 999", "", "9".repeat(40)]) {
      expect(parsePhone(input, "RU")).toEqual({ ok: false, reason: "phone_invalid" });
    }
  });
});

describe("birthdays", () => {
  it("read day.month.year and ISO dates", () => {
    expect(parseBirthday("25.12.1990", now)).toEqual({
      ok: true,
      value: new Date(Date.UTC(1990, 11, 25)),
    });
    expect(parseBirthday("1990-12-25", now)).toEqual({
      ok: true,
      value: new Date(Date.UTC(1990, 11, 25)),
    });
    expect(parseBirthday("5/3/2001", now)).toEqual({
      ok: true,
      value: new Date(Date.UTC(2001, 2, 5)),
    });
  });
  it("reject impossible, future and implausibly old dates", () => {
    expect(parseBirthday("31.02.2000", now)).toEqual({ ok: false, reason: "date_invalid" });
    expect(parseBirthday("tomorrow", now)).toEqual({ ok: false, reason: "date_invalid" });
    expect(parseBirthday("26.11.2026", now)).toEqual({ ok: false, reason: "date_in_future" });
    expect(parseBirthday("01.01.1890", now)).toEqual({ ok: false, reason: "date_too_old" });
  });
});

describe("city and e-mail", () => {
  it("validate", () => {
    expect(parseCity("  Нижний   Новгород ")).toEqual({ ok: true, value: "Нижний Новгород" });
    expect(parseCity("1")).toEqual({ ok: false, reason: "city_invalid" });
    expect(parseEmail(" Anna@Example.COM ")).toEqual({ ok: true, value: "anna@example.com" });
    expect(parseEmail("anna@")).toEqual({ ok: false, reason: "email_invalid" });
  });
});

describe("deep-link payloads", () => {
  it("recognise sources and referral codes, ignore the rest", () => {
    expect(parseStartPayload("src_Instagram")).toEqual({ kind: "source", source: "instagram" });
    expect(parseStartPayload("ref_abcd2345")).toEqual({ kind: "referral", code: "ABCD2345" });
    expect(parseStartPayload("")).toEqual({ kind: "none" });
    expect(parseStartPayload(undefined)).toEqual({ kind: "none" });
    expect(parseStartPayload("src_")).toEqual({ kind: "none" });
    expect(parseStartPayload("hello world")).toEqual({ kind: "none" });
    expect(parseStartPayload(`src_${"x".repeat(100)}`)).toEqual({ kind: "none" });
  });
});
