import { useTheme } from "../app/theme";

const NEXT_LABEL = { light: "Use dark theme", dark: "Use light theme" } as const;

export function ThemeToggle() {
  const { choice, theme, toggle } = useTheme();
  const label = choice === "system" ? NEXT_LABEL[theme] : "Follow the system theme";
  return (
    <button
      type="button"
      className="btn btn-ghost"
      onClick={toggle}
      aria-label={label}
      title={label}
      data-testid="theme-toggle"
      data-theme={theme}
      data-choice={choice}
    >
      <span aria-hidden="true">{theme === "dark" ? "☾" : "☀"}</span>
      <span className="text-xs muted">{choice === "system" ? "auto" : choice}</span>
    </button>
  );
}
