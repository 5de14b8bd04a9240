import { describe, expect, it } from "vitest";
import { applyTheme, nextChoice, readChoice, resolveTheme, THEME_KEY } from "./theme";

describe("themes", () => {
  it("follows the system unless a theme was chosen", () => {
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("system", false)).toBe("light");
    expect(resolveTheme("light", true)).toBe("light");
  });

  it("toggles to the opposite of what shows, then back to the system", () => {
    expect(nextChoice("system", true)).toBe("light");
    expect(nextChoice("system", false)).toBe("dark");
    expect(nextChoice("dark", false)).toBe("system");
  });

  it("reads only known choices from storage", () => {
    const storage = (value: string | null) => ({ getItem: (k: string) => (k === THEME_KEY ? value : null) });
    expect(readChoice(storage("dark"))).toBe("dark");
    expect(readChoice(storage("purple"))).toBe("system");
    expect(readChoice(null)).toBe("system");
  });

  it("puts the dark class on the root element", () => {
    const root = document.createElement("html");
    applyTheme("dark", root);
    expect(root.classList.contains("dark")).toBe(true);
    applyTheme("light", root);
    expect(root.classList.contains("dark")).toBe(false);
    expect(root.style.colorScheme).toBe("light");
  });
});
