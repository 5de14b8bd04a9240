// Plain words for what people read: environments by name, counts with their noun, and
// addresses without the scheme's noise (ids stay a hover away, in titles).

/** An environment as people say it: its name, and its kind only when that adds something
 * ("staging (preview)", but "production", never "production (production)"). */
export function environmentLabel(env: { name: string; kind: string }): string {
  return env.name === env.kind || !env.kind ? env.name : `${env.name} (${env.kind})`;
}

/** An address as shown: without "http://" and the trailing slash. */
export function urlText(url: string): string {
  return url.replace(/^https?:\/\//, "").replace(/\/$/, "");
}

/** What an audit entry says: "api · production: deployment healthy", or the text alone. */
export function entryText(entry: { concerns?: string | null; text: string }): string {
  return entry.concerns ? `${entry.concerns}: ${entry.text}` : entry.text;
}
