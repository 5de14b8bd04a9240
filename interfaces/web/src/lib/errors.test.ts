import { CombinedError } from "@urql/core";
import { describe, expect, it } from "vitest";
import { describeError, ERROR_CODES, errorCodeOf, messageForCode } from "./errors";

function graphQLError(code: string, message = "the server's words") {
  return new CombinedError({ graphQLErrors: [{ message, extensions: { code } }] });
}

describe("error codes in plain words", () => {
  it("has a distinct sentence for every code the API sends", () => {
    const sentences = ERROR_CODES.map((c) => messageForCode(c));
    expect(new Set(sentences).size).toBe(ERROR_CODES.length);
    for (const s of sentences) expect(s).toMatch(/^[A-Z].*\.$/);
  });

  it("reads the code from extensions.code of the first error", () => {
    expect(errorCodeOf(graphQLError("FORBIDDEN"))).toBe("FORBIDDEN");
    expect(errorCodeOf(graphQLError("RATE_LIMITED"))).toBe("RATE_LIMITED");
  });

  it("treats an unknown or missing code as internal", () => {
    expect(errorCodeOf(graphQLError("TEAPOT"))).toBe("INTERNAL");
    expect(messageForCode("TEAPOT")).toBe(messageForCode("INTERNAL"));
    expect(errorCodeOf(new Error("boom"))).toBe("INTERNAL");
  });

  it("calls an unreachable server a network problem, without the raw message", () => {
    const error = new CombinedError({ networkError: new TypeError("Failed to fetch") });
    const described = describeError(error);
    expect(described.code).toBe("NETWORK");
    expect(described.title).toMatch(/can't reach/i);
    expect(described.detail).toBeNull();
  });

  it("keeps the server's message as the detail", () => {
    const described = describeError(graphQLError("FORBIDDEN", "viewers cannot deploy"));
    expect(described).toEqual({ code: "FORBIDDEN", title: messageForCode("FORBIDDEN"), detail: "viewers cannot deploy" });
  });

  it("headlines a conflict or a refused value with the server's own words, not a guess", () => {
    const duplicate = describeError(graphQLError("CONFLICT", "this organisation already has a project 'shop': choose another name"));
    expect(duplicate).toEqual({
      code: "CONFLICT",
      title: "This organisation already has a project 'shop': choose another name.",
      detail: null,
    });
    expect(duplicate.title).not.toMatch(/reload/i);
    const invalid = describeError(graphQLError("VALIDATION_FAILED", "name: must not be empty."));
    expect(invalid.title).toBe("Name: must not be empty.");
    // without a message, the general sentence
    expect(describeError(graphQLError("CONFLICT", "")).title).toBe(messageForCode("CONFLICT"));
  });

  it("shows only a screen's own words where the server's would add noise", () => {
    const error = graphQLError("NOT_FOUND", "project (as of position 3) 1a06252b-… not found");
    const described = describeError(error, { NOT_FOUND: "The project did not exist yet at that point." }, ["NOT_FOUND"]);
    expect(described).toEqual({ code: "NOT_FOUND", title: "The project did not exist yet at that point.", detail: null });
  });

  it("lets a screen say what a code means there", () => {
    const titles = { UNAUTHENTICATED: "That email and password don't match an account." };
    expect(describeError(graphQLError("UNAUTHENTICATED"), titles).title).toBe(titles.UNAUTHENTICATED);
    expect(describeError(graphQLError("RATE_LIMITED"), titles).title).toBe(messageForCode("RATE_LIMITED"));
  });

  it("describes a bare GraphQL error object too", () => {
    expect(describeError({ message: "no such project", extensions: { code: "NOT_FOUND" } }).code).toBe("NOT_FOUND");
  });
});
