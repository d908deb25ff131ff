import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type postgres from "postgres";

/** What `scripts/patches/postgres-raw-params.mjs` writes into the driver. */
const RAW_PARAMS_MARK = "/* herald: raw-params patch */";
const JSON_OID = 114;

/**
 * Whether the installed postgres.js sends `sql.typed(bytes, oid)` as the
 * bytes themselves (the postinstall patch); without it the driver would
 * serialise the bytes as a JSON object, so callers fall back to a string.
 */
export const driverSendsRawParams: boolean = (() => {
  try {
    const file = join(dirname(createRequire(import.meta.url).resolve("postgres")), "connection.js");
    return existsSync(file) && readFileSync(file, "utf8").includes(RAW_PARAMS_MARK);
  } catch {
    return false;
  }
})();

// One buffer per process, grown to fit the array written; each call copies out what it wrote,
// since the driver encodes a parameter only when its statement reaches a connection.
const SCRATCH_BYTES = 1 << 20;
/** A page of e-mails needs a few MB; after an outsized array the buffer goes back to its first size. */
const SCRATCH_KEPT_BYTES = 16 << 20;
let scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

/** `values` as a JSON array in UTF-8, written element by element. */
export function jsonArrayBytes(values: readonly unknown[]): Buffer {
  let at = 0;
  const put = (text: string) => {
    // A UTF-16 code unit takes at most three bytes in UTF-8.
    if (scratch.length - at < text.length * 3) {
      const grown = Buffer.allocUnsafe(Math.max(scratch.length * 2, at + text.length * 3));
      scratch.copy(grown, 0, 0, at);
      scratch = grown;
    }
    at += scratch.write(text, at);
  };
  put("[");
  for (let i = 0; i < values.length; i++) {
    if (i > 0) put(",");
    put(JSON.stringify(values[i]) ?? "null");
  }
  put("]");
  const out = Buffer.from(scratch.subarray(0, at));
  if (scratch.length > SCRATCH_KEPT_BYTES) scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  return out;
}

/**
 * A JSON array parameter (use it as `${param}::json`). Large arrays of
 * rendered content are the reason: `JSON.stringify` of a page of e-mails
 * returns a rope of ~4.8 MB (two-byte: the e-mails hold `–`, `€` and
 * react-email's zero-width preview padding) that the driver flattened,
 * measured and encoded to UTF-8 again. Written element by element into
 * reused bytes instead, a 250-e-mail insert cost ~100 instead of ~190 µs of
 * the worker's CPU per row. `raw` (default: whether the driver is patched)
 * chooses the bytes; otherwise the same array goes as a string.
 */
export function jsonArrayParam(
  sql: postgres.Sql,
  values: readonly unknown[],
  raw = driverSendsRawParams,
): postgres.Parameter<Buffer> | string {
  return raw ? sql.typed(jsonArrayBytes(values), JSON_OID) : JSON.stringify(values);
}
