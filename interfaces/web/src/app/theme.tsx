// The theme toggle's state: a stored choice, else the system's preference.

import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";
import { applyTheme, nextChoice, readChoice, resolveTheme, THEME_KEY, type Theme, type ThemeChoice } from "../lib/theme";

interface ThemeState {
  choice: ThemeChoice;
  theme: Theme;
  toggle: () => void;
}

const ThemeContext = createContext<ThemeState>({ choice: "system", theme: "light", toggle: () => {} });

const query = () => (typeof matchMedia === "function" ? matchMedia("(prefers-color-scheme: dark)") : null);

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function ThemeProvider({ children }: { children: ReactNode }) {
  const [choice, setChoice] = useState<ThemeChoice>(() => readChoice(safeStorage()));
  const [systemDark, setSystemDark] = useState(() => query()?.matches ?? false);
  useEffect(() => {
    const media = query();
    if (!media) return;
    const onChange = (e: MediaQueryListEvent) => setSystemDark(e.matches);
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, []);
  const theme = resolveTheme(choice, systemDark);
  useEffect(() => applyTheme(theme), [theme]);
  const toggle = useCallback(() => {
    setChoice((current) => {
      const next = nextChoice(current, systemDark);
      const storage = safeStorage();
      if (next === "system") storage?.removeItem(THEME_KEY);
      else storage?.setItem(THEME_KEY, next);
      return next;
    });
  }, [systemDark]);
  return <ThemeContext.Provider value={{ choice, theme, toggle }}>{children}</ThemeContext.Provider>;
}

export function useTheme(): ThemeState {
  return useContext(ThemeContext);
}
