/**
 * Property-based fuzzing of every public route in `/openapi.json`: hostile
 * paths, queries, headers and bodies (unicode, NULs, lone surrogates, huge
 * numbers, deep nesting, prototype keys, truncated JSON). Invariants: never a
 * 5xx; every error has the SPEC's shape; and a request that is refused leaves
 * the database and the queues exactly as they were (no partial write).
 */
import { createApiKey, revokeApiKey } from "@herald/db";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { type FuzzKeys, type FuzzRequest, requestArbitrary } from "./fuzz-support.ts";
import { type Operation, operations } from "./openapi-operations.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

/** Cases across all routes; each route gets an equal share. */
const TOTAL_CASES = Number(process.env.FUZZ_CASES ?? 10_000);

let api: TestApi;
let app: ReturnType<typeof createApp>;
let doc: any;
let ops: Operation[];
let keys: FuzzKeys;
let ran = 0;
const statuses = new Map<number, number>();

beforeAll(async () => {
  // No rate limit and no key cache: every case sees the database as it is.
  api = await createTestApi({ API_RATE_LIMIT: "off", API_KEY_CACHE_MS: "0" });
  app = createApp(api.deps);
  doc = await (await app.request("/openapi.json")).json();
  // Public routes that serve pages rather than JSON are not in the document; fuzz them too.
  const page = (path: string, method = "get") => ({
    path,
    method,
    op: {
      summary: "page",
      parameters: path.includes("{file}") ? [{ in: "path", name: "file", example: "swagger-ui.css" }] : [],
    },
  });
  ops = [
    ...operations(doc),
    page("/openapi.json"),
    page("/docs"),
    page("/docs/init.js"),
    page("/docs/assets/{file}"),
    page("/"),
    page("/", "post"),
  ];
  const readOnly = await createApiKey(api.deps.db, { name: "fuzz read", scopes: ["read"] });
  const revoked = await createApiKey(api.deps.db, { name: "fuzz revoked", scopes: ["admin"] });
  await revokeApiKey(api.deps.db, revoked.row.id);
  keys = { admin: api.apiKey, readOnly: readOnly.key, revoked: revoked.key };
  // Seed data the examples point at, so some cases reach deep into the handlers.
  await api.call("PUT", "/v1/users/user_123", { email: "ada@example.com", phone: "+14155550100" });
  // The server's user-token secret is made on first use, once per database: part of setting up,
  // not a write a refused request made (the examples' tokens look like user tokens).
  expect((await api.call("GET", "/v1/users/user_123/token")).status).toBe(200);

  // A transactional write counter: a row trigger on every table (including ones added later)
  // bumps it, so a rolled-back statement counts nothing and any committed change counts.
  // api_keys rows whose only change is last_used_at are bookkeeping, not a write. The audit log
  // is left out: it records requests, refused ones among them (a 403 is recorded on purpose;
  // `audit-log.test.ts` says which refusals are and are not), not what they changed.
  const tables = await api.db.sql<{ name: string }[]>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like '%migrations%'
      and table_name <> 'audit_log'`;
  await api.db.sql.unsafe(`
    create table fuzz_writes (n bigint not null);
    insert into fuzz_writes values (0);
    create function fuzz_count_write() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and (to_jsonb(old) - 'last_used_at') = (to_jsonb(new) - 'last_used_at') then
        return null;
      end if;
      update fuzz_writes set n = n + 1;
      return null;
    end $$;
    ${tables
      .map(
        ({ name }) =>
          `create trigger fuzz_count after insert or update or delete on "${name}" for each row execute function fuzz_count_write();`,
      )
      .join("\n")}`);
  expect(tables.length).toBeGreaterThanOrEqual(8);
}, 120_000);

afterAll(() => api.close());

type Fingerprint = { writes: string; jobs: number[] };

/** Committed row changes so far, and jobs per queue (only a non-GET request can add or remove jobs). */
async function fingerprint(method: string, previous?: Fingerprint): Promise<Fingerprint> {
  const [rows, jobs] = await Promise.all([
    api.db.sql`select n from fuzz_writes`,
    method === "GET" && previous ? previous.jobs : Promise.all(api.deps.queues.all().map((q) => q.count())),
  ]);
  return { writes: String(rows[0]!.n), jobs };
}

async function send(req: FuzzRequest) {
  const res = await app.request(req.path, {
    method: req.method,
    headers: req.headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
  });
  // Its audit entry (written after the answer) goes in before the next case starts.
  await api.deps.auditWriter.settled();
  // A stream (the inbox's SSE) never ends by itself: its status and headers are the answer.
  if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
    await res.body?.cancel();
    return { status: res.status, text: "" };
  }
  return { status: res.status, text: await res.text() };
}

describe("fuzzing every public route", () => {
  it("covers the routes of the OpenAPI document", () => {
    expect(ops.length).toBeGreaterThanOrEqual(20);
  });

  // Route list comes from the document at run time; one test per route keeps failures readable.
  it("never answers 5xx, always answers errors in the SPEC shape, and refuses without writing", async () => {
    const perRoute = Math.ceil(TOTAL_CASES / ops.length);
    let last = await fingerprint("POST");
    let changed = 0;
    for (const op of ops) {
      const outcome = await fc.check(
        fc.asyncProperty(requestArbitrary(doc, op, keys), async (req) => {
          // Requests run one at a time, so the state after one case is the state before the next.
          const before = last;
          const res = await send(req);
          last = await fingerprint(req.method, before);
          if (JSON.stringify(last) !== JSON.stringify(before)) changed++;
          ran++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const where = `${req.method} ${req.path.slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`;
          expect(res.status, where).toBeLessThan(500);
          if (res.status >= 400) {
            const body = JSON.parse(res.text);
            expect(body.error, where).toMatchObject({
              code: expect.any(String),
              message: expect.any(String),
              requestId: expect.any(String),
            });
            expect(last, `partial write: ${where}`).toEqual(before);
          }
        }),
        { numRuns: perRoute, endOnFailure: true },
      );
      if (outcome.failed) {
        // fast-check's own report prints the whole (possibly megabyte) counterexample.
        const req = outcome.counterexample?.[0];
        const shown = req ? { ...req, body: req.body?.slice(0, 500), path: req.path.slice(0, 300) } : null;
        throw new Error(
          `${op.method.toUpperCase()} ${op.path} failed after ${outcome.numRuns} runs (seed ${outcome.seed}, path ${outcome.counterexamplePath}):\n${JSON.stringify(shown)}\n${String(outcome.errorInstance).slice(0, 1500)}`,
        );
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(ran).toBeGreaterThanOrEqual(TOTAL_CASES);
    // The fuzzer must reach handlers too, not only bounce off validation.
    expect([...statuses.keys()].filter((s) => s < 300).length).toBeGreaterThan(0);
    // …and the write detector must see the writes of accepted requests (it is not blind).
    expect(changed).toBeGreaterThan(0);
    console.info(
      `fuzz: ${ran} cases over ${ops.length} routes; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
  }, 600_000);
});
