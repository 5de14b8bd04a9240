// The gzip size of what the first page load fetches: the JS and CSS that dist/index.html
// references (entry script, module preloads, stylesheets). Lazy screens are not counted.
// Exits non-zero above the budget.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 300 * 1024;
const dist = new URL("../dist/", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");
const assets = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
let total = 0;
for (const asset of new Set(assets)) {
  const size = gzipSync(readFileSync(join(dist, asset)), { level: 9 }).length;
  total += size;
  console.log(`${(size / 1024).toFixed(1).padStart(8)} KiB  ${asset}`);
}
console.log(`${(total / 1024).toFixed(1).padStart(8)} KiB  initial JS+CSS (gzip), budget ${BUDGET / 1024} KiB`);
if (total > BUDGET) {
  console.error("over budget: lazy-load more of it");
  process.exit(1);
}
