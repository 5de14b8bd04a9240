// Parsing and checking variables typed into the dashboard (KEY=value lines or one pair).

export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface Parsed {
  values: Record<string, string>;
  problems: string[];
}

/** Whether a name can be a variable name (letters, digits and _, not starting with a digit). */
export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

/** `KEY=value` lines (as in a .env file): blank lines and # comments are skipped, quotes
 * around a value are removed, and each bad line is reported by number. */
export function parseDotenv(text: string): Parsed {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const body = line.startsWith("export ") ? line.slice(7).trim() : line;
    const eq = body.indexOf("=");
    if (eq <= 0) {
      problems.push(`line ${index + 1}: expected NAME=value`);
      return;
    }
    const name = body.slice(0, eq).trim();
    let value = body.slice(eq + 1).trim();
    if (!isValidName(name)) {
      problems.push(`line ${index + 1}: "${name}" is not a valid name`);
      return;
    }
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]!)) {
      value = value.slice(1, -1);
    }
    values[name] = value;
  });
  return { values, problems };
}

/** What a masked value shows. */
export const MASK = "••••••••";
