import fc from "fast-check";
import type { Operation } from "./openapi-operations.ts";

/** One generated request. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function resolveSchema(doc: any, schema: any): any {
  if (schema?.$ref) return resolveSchema(doc, doc.components.schemas[schema.$ref.split("/").pop()]);
  return schema;
}

/** The documented example of a request body, when there is one. */
export function bodyExample(doc: any, op: any): unknown {
  const media = op.requestBody?.content?.["application/json"];
  if (!media) return undefined;
  return media.example ?? resolveSchema(doc, media.schema)?.example;
}

const HOLE = "\u0000__FUZZ_HOLE__\u0000";
const HOLE_JSON = JSON.stringify(HOLE);

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)),
  maxLength: 80,
});
const unicode = fc.string({ unit: "grapheme", maxLength: 60 });
const nasty = fc.constantFrom(
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff\ud800",
  "\u202e\u202d",
  "💥🔥👩‍👩‍👧‍👦",
  "null",
  "undefined",
  "NaN",
  "-0",
  "1e400",
  "__proto__",
  "constructor",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "$" + "{jndi:ldap://x}", // log4shell-style lookup string
  "%00",
  "\r\nX-Injected: 1",
  "x".repeat(10_000),
);
const anyString = fc.oneof(unicode, printable, nasty);

/** Raw JSON text fragments: values no JSON.stringify would produce, plus ordinary ones. */
const rawFragment = fc.oneof(
  fc.constantFrom(
    "1e400",
    "-1e400",
    "1e-400",
    "123456789012345678901234567890",
    "-9223372036854775809",
    "9007199254740993",
    "1.7976931348623157e308",
    "0.1e1",
    "-0",
    "true",
    "null",
    "[]",
    "{}",
    '"\\u0000"',
    '"\\ud800"',
    '"\\udfff"',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
  ),
  fc.integer({ min: 50, max: 20_000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
  fc.integer({ min: 50, max: 20_000 }).map((n) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`),
  fc.integer({ min: 1, max: 200_000 }).map((n) => JSON.stringify("é".repeat(n))),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  anyString.map((s) => JSON.stringify(s)),
  fc.double().map((d) => (Number.isFinite(d) ? String(d) : "1e999")),
  fc.bigInt().map(String),
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Puts the hole at a random place in a copy of `value` (replacing a field, an item, or adding one). */
function withHole(value: Json, choices: number[], depth = 0): Json {
  const choice = choices[depth] ?? 0;
  if (Array.isArray(value)) {
    if (value.length === 0) return [HOLE];
    const copy = [...value];
    const i = choice % (copy.length + 1);
    if (i === copy.length || choice % 7 === 0) copy[i % copy.length] = HOLE;
    else copy[i] = withHole(copy[i]!, choices, depth + 1);
    return copy;
  }
  if (value && typeof value === "object") {
    const record: Record<string, Json> = value;
    const keys = Object.keys(record);
    const i = choice % (keys.length + 1);
    if (i === keys.length || keys.length === 0) return { ...record, [`extra${choice % 3}`]: HOLE };
    const key = keys[i]!;
    const inner = record[key]!;
    return {
      ...record,
      [key]:
        choice % 5 === 0 || typeof inner !== "object" || inner === null
          ? HOLE
          : withHole(inner, choices, depth + 1),
    };
  }
  return HOLE;
}

/** Bodies: none, garbage, random JSON, and the route's example with one spot replaced by something hostile. */
export function bodyArbitrary(example: unknown): fc.Arbitrary<string | undefined> {
  const mutated =
    example === undefined
      ? fc.constant(undefined)
      : fc
          .tuple(fc.array(fc.nat({ max: 1000 }), { minLength: 6, maxLength: 6 }), rawFragment)
          .map(([choices, fragment]) =>
            JSON.stringify(withHole(example as Json, choices)).replace(HOLE_JSON, fragment),
          );
  const exampleText = example === undefined ? "{}" : JSON.stringify(example);
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(exampleText) },
    { weight: 1, arbitrary: fc.nat({ max: exampleText.length }).map((n) => exampleText.slice(0, n)) },
    { weight: 1, arbitrary: anyString },
    { weight: 2, arbitrary: rawFragment },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)) },
  );
}

const pathValue = (example: string | undefined) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(example ?? "x").map(encodeURIComponent) },
    {
      weight: 3,
      arbitrary: anyString
        .filter((s) => s.length > 0)
        .map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "?"))),
    },
    {
      weight: 1,
      // Raw (not encoded) oddities: malformed percent-encoding, traversal, separators.
      arbitrary: fc.constantFrom(
        "%",
        "%zz",
        "%E0%A4%A",
        "%C0%AF",
        "..",
        "%2e%2e",
        "a%2Fb",
        "%00",
        "%FF%FE",
        "a;b",
        "~",
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom("0", "-1", "1e400", "99999999999999999999999", "x".repeat(5000)),
    },
  );

const queryValue = (example: unknown) =>
  fc.oneof(
    fc.constant(String(example ?? "")),
    anyString.map((s) => s.replace(/[\ud800-\udfff]/g, "?")),
    fc.constantFrom(
      "1e400",
      "-1",
      "0",
      "NaN",
      "Infinity",
      "2.5",
      "99999999999999999999",
      "true",
      "[]",
      "%zz",
    ),
  );

const authHeader = (keys: FuzzKeys) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(`Bearer ${keys.admin}`) },
    { weight: 2, arbitrary: fc.constant(`Bearer ${keys.readOnly}`) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${keys.revoked}`) },
    { weight: 1, arbitrary: fc.constant("") },
    { weight: 1, arbitrary: printable },
    { weight: 1, arbitrary: printable.map((s) => `Bearer ${s}`) },
    { weight: 1, arbitrary: fc.constant(`Basic ${Buffer.from("a:b").toString("base64")}`) },
  );

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant("application/json") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/json; charset=utf-16",
      "multipart/form-data; boundary=x",
      "application/problem+json",
      "APPLICATION/JSON",
      "",
    ),
  },
  { weight: 1, arbitrary: printable },
);

const headerName = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,20}$/)
  .filter(
    (h) => !["host", "content-length", "transfer-encoding", "connection", "expect", "upgrade"].includes(h),
  );

export interface FuzzKeys {
  admin: string;
  readOnly: string;
  revoked: string;
}

/** Requests for one operation: its method and path, everything else hostile some of the time. */
export function requestArbitrary(
  doc: any,
  { path, method, op }: Operation,
  keys: FuzzKeys,
): fc.Arbitrary<FuzzRequest> {
  const params: any[] = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === "path");
  const queryParams = params.filter((p) => p.in === "query");
  const pathArb = fc
    .tuple(...pathParams.map((p) => pathValue(p.example ?? p.schema?.example)))
    .map((values) => pathParams.reduce((acc, p, i) => acc.replace(`{${p.name}}`, values[i]!), path));
  const queryArb = fc
    .tuple(
      ...queryParams.map((p) => fc.option(queryValue(p.example ?? p.schema?.example), { nil: undefined })),
      fc.dictionary(
        fc.constantFrom("limit", "cursor", "x", "__proto__", "a[]", "userId"),
        anyString.map((s) => s.replace(/[\ud800-\udfff]/g, "?")),
        { maxKeys: 2 },
      ),
      fc.option(fc.constantFrom("&&&", "a=%zz", "=x", "limit=1&limit=2", "%ff=1", "a".repeat(3000)), {
        nil: undefined,
      }),
    )
    .map((parts) => {
      const raw = parts.pop() as string | undefined;
      const extra = parts.pop() as Record<string, string>;
      const search = new URLSearchParams();
      queryParams.forEach((p, i) => {
        if (parts[i] !== undefined) search.append(p.name, parts[i] as string);
      });
      for (const [k, v] of Object.entries(extra)) search.append(k, v);
      const q = [search.toString(), raw].filter(Boolean).join("&");
      return q ? `?${q}` : "";
    });
  const headersArb = fc
    .record({
      authorization: authHeader(keys),
      "content-type": contentType,
      extra: fc.dictionary(headerName, printable, { maxKeys: 3 }),
      idempotency: fc.option(fc.oneof(printable, fc.constant("x".repeat(300))), { nil: undefined }),
      requestId: fc.option(printable, { nil: undefined }),
    })
    .map(({ authorization, "content-type": ct, extra, idempotency, requestId }) => {
      const h: Record<string, string> = { ...extra };
      if (authorization) h.authorization = authorization;
      if (ct) h["content-type"] = ct;
      if (idempotency !== undefined) h["idempotency-key"] = idempotency;
      if (requestId !== undefined) h["x-request-id"] = requestId;
      return h;
    });
  // fetch's Request cannot carry a body on GET.
  const body = method === "get" ? fc.constant(undefined) : bodyArbitrary(bodyExample(doc, op));
  return fc.record({
    method: fc.constant(method.toUpperCase()),
    path: fc.tuple(pathArb, queryArb).map(([p, q]) => p + q),
    headers: headersArb,
    body,
  });
}
