/**
 * What both postinstall patches of postgres.js share: find the installed
 * package, apply only to the version the edits were written for, check every
 * file before writing any (so the driver is never half patched), and skip
 * files that carry the patch's mark already (idempotent). Each `from` must
 * occur exactly once; anything else leaves the driver alone with a warning.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const VERSION = "3.4.9";

/**
 * @param {string} name the patch's name, for warnings
 * @param {string} mark a comment the edits write, by which a patched file is known
 * @param {Record<string, [string, string][]>} edits per file name (in src, cjs/src and cf/src), [from, to] pairs
 */
export function patchPostgres(name, mark, edits) {
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
    return; // not installed (yet): nothing to patch
  }
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  if (version !== VERSION) {
    console.warn(`[herald] postgres ${version}: ${name} patch written for ${VERSION}, not applied`);
    return;
  }
  const writes = [];
  for (const dir of ["src", "cjs/src", "cf/src"]) {
    for (const [file, list] of Object.entries(edits)) {
      const path = join(root, dir, file);
      if (!existsSync(path)) continue;
      let text = readFileSync(path, "utf8");
      if (text.includes(mark)) continue;
      for (const [from, to] of list) {
        if (text.split(from).length !== 2) {
          console.warn(`[herald] ${path}: unexpected source, ${name} patch not applied`);
          return;
        }
        text = text.replace(from, to);
      }
      writes.push([path, text]);
    }
  }
  for (const [path, text] of writes) writeFileSync(path, text);
}
