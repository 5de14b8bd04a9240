import { describe, expect, it } from "vitest";
import { countOf } from "./format";
import { entryText, environmentLabel, urlText } from "./words";

describe("plain words", () => {
  it("names an environment once, with its kind only when that adds something", () => {
    expect(environmentLabel({ name: "production", kind: "production" })).toBe("production");
    expect(environmentLabel({ name: "staging", kind: "preview" })).toBe("staging (preview)");
  });

  it("counts with the right noun", () => {
    expect(countOf(1, "replica")).toBe("1 replica");
    expect(countOf(2, "replica")).toBe("2 replicas");
    expect(countOf(0, "replica")).toBe("0 replicas");
  });

  it("shows an address without its scheme and trailing slash", () => {
    expect(urlText("http://api.production.shop.localhost:8080/")).toBe("api.production.shop.localhost:8080");
    expect(urlText("https://shop.example.com/")).toBe("shop.example.com");
  });

  it("says what an audit entry concerns before what happened", () => {
    expect(entryText({ concerns: "api · production", text: "deployment healthy" })).toBe("api · production: deployment healthy");
    expect(entryText({ concerns: null, text: "created project 'Shop'" })).toBe("created project 'Shop'");
  });
});
