// Light and dark themes: the reader's system preference unless they chose one.

export type ThemeChoice = "system" | "light" | "dark";
export type Theme = "light" | "dark";

export const THEME_KEY = "containr.theme";

export function readChoice(storage: Pick<Storage, "getItem"> | null): ThemeChoice {
  const value = storage?.getItem(THEME_KEY);
  return value === "light" || value === "dark" ? value : "system";
}

export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): Theme {
  if (choice === "system") return systemPrefersDark ? "dark" : "light";
  return choice;
}

/** The next choice of the toggle: system → the opposite of what shows → system… */
export function nextChoice(choice: ThemeChoice, systemPrefersDark: boolean): ThemeChoice {
  if (choice === "system") return systemPrefersDark ? "light" : "dark";
  return "system";
}

export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  root.classList.toggle("dark", theme === "dark");
  root.style.colorScheme = theme;
}
