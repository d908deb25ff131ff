/**
 * postinstall: patches postgres.js 3.4.9 (porsager/postgres#1154, #1208,
 * unmerged fixes #1168/#1176). When a connection closes while a small write
 * is buffered, `nextWrite` runs on a null socket and throws from a
 * setImmediate callback: an uncatchable crash of the whole process, which we
 * hit when PostgreSQL restarts under load. Teardown also leaves the buffered
 * chunk and a stale timer behind, so the reconnected connection would send
 * stale bytes or never flush. The patch skips writes to a closed socket and
 * resets the write buffer on teardown. Idempotent; a different postgres
 * version is left alone with a warning (check whether it still needs this).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const MARK = "/* herald: closed-socket patch */";
let root;
try {
  // `postgres/package.json` is not exported; walk up from its entry point.
  root = dirname(createRequire(import.meta.url).resolve("postgres"));
  const named = (dir) =>
    existsSync(join(dir, "package.json")) &&
    JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name === "postgres";
  while (!named(root)) {
    if (root === dirname(root)) throw new Error("postgres package root not found");
    root = dirname(root);
  }
} catch {
  process.exit(0); // not installed (yet): nothing to patch
}
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
if (version !== "3.4.9") {
  console.warn(`[herald] postgres ${version}: closed-socket patch written for 3.4.9, not applied`);
  process.exit(0);
}

const edits = [
  [
    "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)",
    `  function nextWrite(fn) {\n    ${MARK}\n    if (socket === null) {\n      chunk = nextWriteTimer = null\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
  ],
  [
    "    clearImmediate(nextWriteTimer)\n    if (socket) {",
    "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {",
  ],
  [
    "    incomings = null\n    clearImmediate(nextWriteTimer)\n",
    "    incomings = null\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n",
  ],
];

for (const file of ["src/connection.js", "cjs/src/connection.js", "cf/src/connection.js"]) {
  const path = join(root, file);
  if (!existsSync(path)) continue;
  let text = readFileSync(path, "utf8");
  if (text.includes(MARK)) continue;
  for (const [from, to] of edits) {
    if (!text.includes(from)) {
      console.warn(`[herald] ${path}: unexpected source, closed-socket patch not applied`);
      process.exit(0);
    }
    text = text.replace(from, to);
  }
  writeFileSync(path, text);
}
