/**
 * `npx tsx scripts/bench/profile-summary.ts <file.cpuprofile> [top] [--skip S]`:
 * where a process spent its CPU, by self time per function and per package
 * (the files `npm run bench -- --profile` writes). `--skip S` leaves out the
 * first S seconds: a short run's profile otherwise counts start-up (module
 * compilation, tsx's loader thread) as if it were steady work.
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
const args = process.argv.slice(2);
const skipAt = args.indexOf("--skip");
const skipSeconds = skipAt >= 0 ? Number(args.splice(skipAt, 2)[1]) : 0;
const [file, topArg] = args;
if (!file || !Number.isFinite(skipSeconds)) {
  console.error("usage: profile-summary.ts <file.cpuprofile> [top] [--skip seconds]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
};
const top = Number(topArg ?? 30);
const hits = new Map<number, number>();
let total = 0;
let elapsedUs = 0;
profile.samples.forEach((s, i) => {
  elapsedUs += profile.timeDeltas[i] ?? 0;
  if (elapsedUs < skipSeconds * 1e6) return;
  hits.set(s, (hits.get(s) ?? 0) + 1);
  total++;
});
const byFn = new Map<string, number>();
const byPkg = new Map<string, number>();
const pkgOf = (url: string) => {
  if (!url) return "(native/idle/gc)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\/(apps|packages)\/([^/]+)\//.exec(url);
  if (m) return `${m[1]}/${m[2]}`;
  if (url.startsWith("node:")) return "node:internal";
  return url.split("/").slice(-2).join("/");
};
for (const n of profile.nodes) {
  const h = hits.get(n.id) ?? 0;
  if (!h) continue;
  const url = n.callFrame.url.replace(/^file:\/\//, "");
  const key = `${n.callFrame.functionName || "(anon)"} ${url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + h);
  const pkg = pkgOf(url);
  byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + h);
}
const pct = (h: number) => `${((100 * h) / total).toFixed(1)}%`.padStart(6);
console.info(`${file}: ${total} samples${skipSeconds ? ` after the first ${skipSeconds} s` : ""}`);
console.info("-- by package --");
for (const [k, h] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.info(`${pct(h)}  ${k}`);
console.info("-- by function (self) --");
for (const [k, h] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.info(`${pct(h)}  ${k}`);

// Inclusive time of our own functions (apps/ and packages/): what each step costs with everything it calls.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const inclusive = new Map<string, number>();
for (const [id, h] of hits) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur)!;
    const url = n.callFrame.url;
    if (!/\/(apps|packages)\//.test(url) || url.includes("node_modules")) continue;
    const key = `${n.callFrame.functionName || "(anon)"} ${url.split("/").slice(-2).join("/")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + h);
  }
}
console.info("-- our functions, inclusive --");
for (const [k, h] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.info(`${pct(h)}  ${k}`);

// Socket writes are a system call each, which this kind of VM makes expensive:
// which library issued them (the nearest ancestor outside node's internals).
const writes = new Map<string, number>();
for (const [id, h] of hits) {
  const fn = byId.get(id)!.callFrame.functionName;
  if (fn !== "writeBuffer" && fn !== "writev" && fn !== "writeUtf8String") continue;
  let owner = "(unknown)";
  for (let cur = parent.get(id); cur !== undefined; cur = parent.get(cur)) {
    const url = byId.get(cur)!.callFrame.url.replace(/^file:\/\//, "");
    if (url && !url.startsWith("node:")) {
      owner = pkgOf(url);
      break;
    }
  }
  writes.set(owner, (writes.get(owner) ?? 0) + h);
}
console.info("-- socket writes by the library that made them --");
for (const [k, h] of [...writes].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.info(`${pct(h)}  ${k}`);
