// Where a deployed web service answers: its generated address and its own domains, as links
// that open in a new tab, each saying honestly whether it is served over HTTPS.

import { type ServiceStateFieldsFragment } from "../../api/generated";
import { urlText } from "../../lib/words";

type Url = ServiceStateFieldsFragment["urls"][number];

export function ServiceUrls({ urls, className = "" }: { urls: readonly Url[]; className?: string }) {
  if (urls.length === 0) return null;
  return (
    <ul className={`space-y-0.5 text-xs ${className}`} aria-label="Addresses" data-testid="service-urls">
      {urls.map((u) => (
        <li key={u.url} className="flex min-w-0 items-center gap-1.5">
          <span
            className={`shrink-0 rounded px-1 font-mono text-[10px] ${u.tls ? "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/60 dark:text-emerald-200" : "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300"}`}
            title={u.tls ? "Served over HTTPS" : "Served over plain HTTP: Containr's ingress has no certificates yet"}
            data-testid="service-url-tls"
          >
            {u.tls ? "https" : "http"}
          </span>
          <a
            href={u.url}
            target="_blank"
            rel="noopener noreferrer"
            className="link relative z-10 truncate font-mono"
            title={u.custom ? `${u.url} (the service's own domain)` : u.url}
            data-testid="service-url"
            data-tls={u.tls ? "true" : "false"}
            data-custom={u.custom ? "true" : "false"}
          >
            {urlText(u.url)}
          </a>
        </li>
      ))}
    </ul>
  );
}
