/**
 * postinstall: lets postgres.js 3.4.9 send a parameter given as bytes
 * (`sql.typed(uint8Array, oid)` with any type but bytea) as those bytes, in
 * the text format the statement declares. Herald's notification insert hands
 * over a page's rendered e-mails (~2.4 MB of JSON for 250) that way, already
 * UTF-8: as one JavaScript string the driver flattened a two-byte rope of
 * ~4.8 MB, measured and encoded it again, and on a VM where each fresh page
 * of memory costs ~14 µs that was ~110 µs of CPU per e-mail, twice what the
 * bytes cost (`packages/db/src/json-param.ts`). Without this patch the
 * driver would send such a parameter through the type's serializer, so
 * `json-param.ts` checks for {@link MARK} and falls back to a string.
 * Idempotent; another postgres version is left alone with a warning.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export const MARK = "/* herald: raw-params patch */";
let root;
try {
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
  console.warn(`[herald] postgres ${version}: raw-params patch written for 3.4.9, not applied`);
  process.exit(0);
}

const edits = {
  "connection.js": [
    [
      "      type = types[i]\n      parameters[i] = x = type in options.serializers",
      `      type = types[i]\n      ${MARK}\n      if (x instanceof Uint8Array && type !== 17) {\n        prev = b.i\n        b.inc(4).bytes(x).i32(b.i - prev - 4, prev)\n        return\n      }\n      parameters[i] = x = type in options.serializers`,
    ],
  ],
  "bytes.js": [
    [
      "  i16(x) {",
      `  bytes(x) {\n    ${MARK}\n    fit(x.length)\n    buffer.set(x, b.i)\n    b.i += x.length\n    return b\n  },\n  i16(x) {`,
    ],
  ],
};

// Check every file before writing any, so the driver is never half patched.
const writes = [];
for (const dir of ["src", "cjs/src", "cf/src"]) {
  for (const [name, list] of Object.entries(edits)) {
    const path = join(root, dir, name);
    if (!existsSync(path)) continue;
    let text = readFileSync(path, "utf8");
    if (text.includes(MARK)) continue;
    for (const [from, to] of list) {
      if (text.split(from).length !== 2) {
        console.warn(`[herald] ${path}: unexpected source, raw-params patch not applied`);
        process.exit(0);
      }
      text = text.replace(from, to);
    }
    writes.push([path, text]);
  }
}
for (const [path, text] of writes) writeFileSync(path, text);
