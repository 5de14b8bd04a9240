import { describe, expect, it } from "vitest";
import { isValidName, parseDotenv } from "./variables";

describe("variables", () => {
  it("accepts names of letters, digits and _ not starting with a digit", () => {
    expect(isValidName("DATABASE_URL")).toBe(true);
    expect(isValidName("_private")).toBe(true);
    expect(isValidName("1ST")).toBe(false);
    expect(isValidName("WITH-DASH")).toBe(false);
    expect(isValidName("")).toBe(false);
  });

  it("parses .env text", () => {
    const parsed = parseDotenv(`# comment\nA=1\n\nexport B = two words \nC="quoted = value"\nD='x'\nE=`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.values).toEqual({ A: "1", B: "two words", C: "quoted = value", D: "x", E: "" });
  });

  it("reports bad lines by number", () => {
    const parsed = parseDotenv("GOOD=1\nno equals sign\n9BAD=2");
    expect(parsed.values).toEqual({ GOOD: "1" });
    expect(parsed.problems).toEqual(["line 2: expected NAME=value", 'line 3: "9BAD" is not a valid name']);
  });
});
