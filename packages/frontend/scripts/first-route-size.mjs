#!/usr/bin/env node
/**
 * Gzipped size of the JavaScript the first route (/login) needs: the entry chunk from dist/index.html,
 * the LoginPage chunk, and everything they import statically (the chunks the browser must fetch before
 * the sign-in page can render). Fails when it exceeds the budget (default 500 KB, issue 7).
 *
 *   npm run build && npm run size            # or: node scripts/first-route-size.mjs --budget 300
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const dist = resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const budgetArg = process.argv.indexOf("--budget");
const budgetKb = budgetArg > 0 ? Number(process.argv[budgetArg + 1]) : 500;

const html = readFileSync(join(dist, "index.html"), "utf8");
const entry = /<script[^>]+type="module"[^>]+src="\/([^"]+)"/.exec(html)?.[1];
if (!entry) throw new Error("no module script in dist/index.html (run npm run build)");
const assets = readdirSync(join(dist, "assets"));
const login = assets.find((f) => /^LoginPage-.*\.js$/.test(f));
if (!login) throw new Error("no LoginPage chunk in dist/assets");

const seen = new Set();
const visit = (path) => {
  if (seen.has(path)) return;
  seen.add(path);
  const code = readFileSync(join(dist, path), "utf8");
  // Static imports only (`import ... from "./x.js"`, `import "./x.js"`); `import("./x.js")` is lazy.
  for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*)["'](\.\/[^"']+\.js)["']/g)) {
    visit(join(dirname(path), m[1]));
  }
};
visit(entry);
visit(join("assets", login));

let total = 0;
const rows = [...seen].map((path) => {
  const gz = gzipSync(readFileSync(join(dist, path)), { level: 9 }).length;
  total += gz;
  return { path, gz };
});
rows.sort((a, b) => b.gz - a.gz);
for (const { path, gz } of rows) console.log(`${(gz / 1024).toFixed(1).padStart(8)} KB  ${path}`);
console.log(`${(total / 1024).toFixed(1).padStart(8)} KB  first route JS, gzipped (budget ${budgetKb} KB)`);
if (total > budgetKb * 1024) {
  console.error(`over budget by ${((total - budgetKb * 1024) / 1024).toFixed(1)} KB`);
  process.exit(1);
}
