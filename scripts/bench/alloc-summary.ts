/**
 * `npx tsx scripts/bench/alloc-summary.ts <file.heapprofile> [top]`: where a
 * process allocated, by function (self) and by our own functions with what
 * they call (inclusive), from a sampling heap profile that counts collected
 * objects too (`alloc-sampling.mjs`).
 */
import { readFileSync } from "node:fs";

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  callFrame: Frame;
  selfSize: number;
  children: ProfileNode[];
}
const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: alloc-summary.ts <file.heapprofile> [top]");
  process.exit(2);
}
const top = Number(topArg ?? 30);
const { head } = JSON.parse(readFileSync(file, "utf8")) as { head: ProfileNode };
const name = (f: Frame) =>
  `${f.functionName || "(anon)"} ${f.url
    .replace(/^file:\/\//, "")
    .split("/")
    .slice(-2)
    .join("/")}`;
const ours = (f: Frame) => /\/(apps|packages)\//.test(f.url) && !f.url.includes("node_modules");
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
const walk = (node: ProfileNode, stack: Frame[]) => {
  const frames = [...stack, node.callFrame];
  total += node.selfSize;
  const key = `${name(node.callFrame)}:${node.callFrame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + node.selfSize);
  for (const k of new Set(frames.filter(ours).map(name)))
    inclusive.set(k, (inclusive.get(k) ?? 0) + node.selfSize);
  for (const child of node.children) walk(child, frames);
};
walk(head, []);
const line = (k: string, bytes: number) =>
  `${(bytes / 1048576).toFixed(0).padStart(6)} MB ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${k}`;
console.info(`${file}: ${(total / 1048576).toFixed(0)} MB allocated in the window`);
console.info("-- by function (self) --");
for (const [k, b] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.info(line(k, b));
console.info("-- our functions, inclusive --");
for (const [k, b] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.info(line(k, b));
