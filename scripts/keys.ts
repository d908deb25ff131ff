/**
 * `npm run keys -- <command>`: manage API keys straight in the database (for
 * the first key of an install, or when no admin key is at hand).
 *
 *   create --name NAME --scopes events:write,read [--env live|test] [--expires-in 90d] [--rate-limit N]
 *   list [--all]
 *   revoke KEY_ID
 *   rotate KEY_ID [--grace 1h]
 *
 * `--json` prints machine-readable output. Uses DATABASE_URL, or the embedded
 * PostgreSQL of a running `npm start` (port HERALD_PG_PORT, default 54320).
 * create, revoke and rotate are recorded in the audit log (`cli-audit.ts`).
 */
import { parseArgs } from "node:util";
import { parseDuration } from "@herald/config";
import {
  API_KEY_SCOPES,
  type ApiKeyRow,
  type ApiKeyScope,
  createApiKey,
  createDb,
  type Db,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
} from "@herald/db";
import { isPortOpen } from "@herald/devstack";
import { type CliAction, cliActor, cliRunId, recordCliAction } from "./cli-audit.ts";

const USAGE = `usage: npm run keys -- <command> [options]
  create --name NAME --scopes SCOPE[,SCOPE…] [--env live|test] [--expires-in 90d] [--rate-limit N]
  list [--all]
  revoke KEY_ID
  rotate KEY_ID [--grace 1h]
scopes: ${API_KEY_SCOPES.join(", ")}   add --json for machine-readable output`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: "string" },
    scopes: { type: "string" },
    env: { type: "string", default: "live" },
    "expires-in": { type: "string" },
    "rate-limit": { type: "string" },
    grace: { type: "string" },
    all: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
const [command, id] = positionals;
if (values.help || !command) {
  console.info(USAGE);
  process.exit(command ? 0 : 2);
}

async function databaseUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const port = Number(process.env.HERALD_PG_PORT ?? 54320);
  if (await isPortOpen(port)) return `postgres://postgres@127.0.0.1:${port}/herald`;
  return fail("Set DATABASE_URL, or start Herald with `npm start` first.");
}

const show = (k: ApiKeyRow) => ({
  id: k.id,
  name: k.name,
  display: `${k.prefix}…${k.lastFour}`,
  environment: k.environment,
  scopes: k.scopes,
  rateLimit: k.rateLimit,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  expiresAt: k.expiresAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

function print(value: unknown, human: () => string): void {
  console.info(values.json ? JSON.stringify(value) : human());
}

function createdMessage(row: ApiKeyRow, key: string): string {
  return [
    `created ${row.id} (${row.name}) scopes: ${row.scopes.join(",")}`,
    "",
    `  ${key}`,
    "",
    "This is the only time the key is shown: Herald stores only its SHA-256 hash.",
  ].join("\n");
}

const handle = createDb(await databaseUrl(), { max: 1, applicationName: "herald-keys" });
const actor = cliActor("keys");
const runId = cliRunId();
try {
  const db = handle.db;
  /** Runs a change and records it, in one transaction (see `cli-audit.ts`). */
  const audited = <T>(change: (tx: Db) => Promise<T>, entry: (result: T) => CliAction | null): Promise<T> =>
    db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const result = await change(tx);
      const what = entry(result);
      if (what) await recordCliAction(tx, actor, runId, what);
      return result;
    });
  if (command === "create") {
    if (!values.name) fail("create needs --name");
    const scopes = (values.scopes ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
    if (scopes.length === 0 || bad.length > 0) fail(`--scopes takes a list of: ${API_KEY_SCOPES.join(", ")}`);
    if (values.env !== "live" && values.env !== "test") fail("--env is live or test");
    const rateLimit = values["rate-limit"] ? Number(values["rate-limit"]) : undefined;
    if (rateLimit !== undefined && !(Number.isInteger(rateLimit) && rateLimit > 0))
      fail("--rate-limit is a positive integer");
    const name = values.name;
    const environment = values.env;
    const created = await audited(
      (tx) =>
        createApiKey(tx, {
          name,
          scopes: [...new Set(scopes)] as ApiKeyScope[],
          environment,
          ...(values["expires-in"]
            ? { expiresAt: new Date(Date.now() + parseDuration(values["expires-in"])) }
            : {}),
          ...(rateLimit ? { rateLimit } : {}),
        }),
      ({ row }) => ({
        action: "api_key.create",
        target: { type: "api_key", id: row.id },
        status: 201,
        details: { name: row.name, scopes: row.scopes, environment: row.environment },
      }),
    );
    print({ ...show(created.row), key: created.key }, () => createdMessage(created.row, created.key));
  } else if (command === "list") {
    const rows = await listApiKeys(db, { includeRevoked: values.all });
    print(
      rows.map(show),
      () =>
        rows
          .map((k) => {
            const state = k.revokedAt
              ? "revoked"
              : k.expiresAt && k.expiresAt < new Date()
                ? "expired"
                : "active";
            return `${k.id}  ${k.prefix}…${k.lastFour}  ${state.padEnd(7)}  ${k.scopes.join(",").padEnd(30)}  ${k.name}`;
          })
          .join("\n") || "no keys",
    );
  } else if (command === "revoke") {
    if (!id) fail("revoke needs a key id");
    const row = await audited(
      (tx) => revokeApiKey(tx, id),
      (revoked) =>
        revoked
          ? { action: "api_key.revoke", target: { type: "api_key", id }, status: 200, details: {} }
          : null,
    );
    if (!row) fail(`no key ${id}`);
    print(
      show(row),
      () => `revoked ${row.id}; running API processes stop accepting it within API_KEY_CACHE_MS`,
    );
  } else if (command === "rotate") {
    if (!id) fail("rotate needs a key id");
    const graceSeconds = values.grace ? parseDuration(values.grace) / 1000 : 0;
    const result = await audited(
      (tx) => rotateApiKey(tx, id, { graceSeconds }),
      (rotated) =>
        rotated.outcome === "rotated"
          ? {
              action: "api_key.rotate",
              target: { type: "api_key", id },
              status: 201,
              details: { newKeyId: rotated.created.row.id, graceSeconds },
            }
          : null,
    );
    if (result.outcome === "not_found") fail(`no active key ${id}`);
    if (result.outcome === "already_rotated")
      fail(`${id} was already rotated and is in its grace period: rotate or revoke ${result.successorId}`);
    const { created } = result;
    print({ ...show(created.row), key: created.key }, () => createdMessage(created.row, created.key));
  } else {
    fail(USAGE);
  }
} finally {
  await handle.close();
}
