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
import { patchPostgres } from "./patch-postgres.mjs";

const MARK = "/* herald: raw-params patch */";

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

patchPostgres("raw-params", MARK, edits);
