import { describe, expect, it } from "vitest";
import {
  formatCardNumber,
  generateCardNumber,
  luhnCheckDigit,
  parseCardNumber,
} from "../../core/loyalty/card-number.ts";

describe("card numbers", () => {
  it("are 12 digits with a valid check digit and no leading zero", () => {
    for (let i = 0; i < 200; i++) {
      const number = generateCardNumber();
      expect(number).toMatch(/^[1-9]\d{11}$/);
      expect(parseCardNumber(number)).toBe(number);
    }
  });

  it("computes the Luhn digit of a known number", () => {
    // 7992739871 → 3 is the textbook Luhn example.
    expect(luhnCheckDigit("7992739871")).toBe(3);
  });

  it("accepts what people type and rejects every single-digit typo", () => {
    const number = generateCardNumber();
    expect(parseCardNumber(formatCardNumber(number))).toBe(number);
    expect(parseCardNumber(`${number.slice(0, 4)}-${number.slice(4)}`)).toBe(number);
    for (let position = 0; position < number.length; position++) {
      for (let digit = 0; digit <= 9; digit++) {
        if (String(digit) === number[position]) continue;
        const typo = number.slice(0, position) + digit + number.slice(position + 1);
        expect(parseCardNumber(typo)).toBeNull();
      }
    }
  });

  it("rejects wrong lengths and letters", () => {
    expect(parseCardNumber("12345")).toBeNull();
    expect(parseCardNumber("abcd efgh ijkl")).toBeNull();
    expect(parseCardNumber("")).toBeNull();
  });

  it("formats in groups of four", () => {
    expect(formatCardNumber("123456789012")).toBe("1234 5678 9012");
  });
});
