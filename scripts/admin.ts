/**
 * `npm run admin -- <command>`: manage dashboard users straight in the
 * database (the first admin of an install, or a forgotten password).
 *
 *   create --email E --role admin|support     password from --password or stdin
 *   set-password --email E                    password from --password or stdin
 *   set-role --email E --role admin|support
 *   disable --email E | enable --email E
 *   list
 *
 * Changing a password, role or state signs the user out everywhere. Uses
 * DATABASE_URL, or the embedded PostgreSQL of a running `npm start`. Every
 * change is recorded in the audit log (`cli-audit.ts`).
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import {
  createDashboardUser,
  createDb,
  DASHBOARD_ROLES,
  type DashboardRole,
  type DashboardUserRow,
  type Db,
  listDashboardUsers,
  MIN_PASSWORD_LENGTH,
  updateDashboardUser,
  WeakPasswordError,
} from "@herald/db";
import { isPortOpen } from "@herald/devstack";
import { cliActor, cliRunId, recordCliAction } from "./cli-audit.ts";

const USAGE = `usage: npm run admin -- <command> [options]
  create --email E --role admin|support [--password P]   (without --password: read from stdin)
  set-password --email E [--password P]
  set-role --email E --role admin|support
  disable --email E
  enable --email E
  list
passwords: at least ${MIN_PASSWORD_LENGTH} characters   add --json for machine-readable output`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    email: { type: "string" },
    role: { type: "string" },
    password: { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
const [command] = positionals;
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

/** --password, else the first line of stdin (so it stays out of shell history and `ps`). */
async function password(): Promise<string> {
  if (values.password) return values.password;
  if (process.stdin.isTTY) process.stderr.write("password: ");
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return fail("no password given (use --password or pipe it on stdin)");
}

function role(): DashboardRole {
  const r = values.role;
  if (!r || !(DASHBOARD_ROLES as readonly string[]).includes(r))
    fail(`--role is one of ${DASHBOARD_ROLES.join(", ")}`);
  return r as DashboardRole;
}

const email = () => values.email ?? fail(`${command} needs --email`);

const show = (u: DashboardUserRow) => ({
  id: u.id,
  email: u.email,
  role: u.role,
  disabled: u.disabledAt !== null,
  createdAt: u.createdAt.toISOString(),
  lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
});

function print(value: unknown, human: string): void {
  console.info(values.json ? JSON.stringify(value) : human);
}

const handle = createDb(await databaseUrl(), { max: 1, applicationName: "herald-admin" });
const actor = cliActor("admin");
const runId = cliRunId();
try {
  const db = handle.db;
  // The change and its audit entry in one transaction; details as the API records them, never the password.
  const change = async (what: Parameters<typeof updateDashboardUser>[2], done: string) => {
    const row = await db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const changed = await updateDashboardUser(tx, email(), what);
      if (changed)
        await recordCliAction(tx, actor, runId, {
          action: "dashboard_account.update",
          target: { type: "dashboard_account", id: changed.id },
          status: 200,
          details: {
            ...(what.role !== undefined ? { role: what.role } : {}),
            ...(what.disabled !== undefined ? { disabled: what.disabled } : {}),
            ...(what.password !== undefined ? { password: "changed" } : {}),
          },
        });
      return changed;
    });
    if (!row) fail(`no dashboard user ${email()}`);
    print(show(row), `${done} ${row.email} (${row.role}); signed out everywhere`);
  };
  if (command === "create") {
    const r = role();
    const input = { email: email(), password: await password(), role: r };
    const row = await db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const created = await createDashboardUser(tx, input);
      if (created)
        await recordCliAction(tx, actor, runId, {
          action: "dashboard_account.create",
          target: { type: "dashboard_account", id: created.id },
          status: 201,
          details: { role: created.role },
        });
      return created;
    });
    if (!row) fail(`a dashboard user ${email()} exists already (use set-password or set-role)`);
    print(show(row), `created ${row.email} (${row.role}), ${row.id}`);
  } else if (command === "set-password") {
    await change({ password: await password() }, "new password for");
  } else if (command === "set-role") {
    await change({ role: role() }, "role changed:");
  } else if (command === "disable") {
    await change({ disabled: true }, "disabled");
  } else if (command === "enable") {
    await change({ disabled: false }, "enabled");
  } else if (command === "list") {
    const rows = await listDashboardUsers(db);
    print(
      rows.map(show),
      rows
        .map((u) => `${u.id}  ${u.role.padEnd(7)}  ${u.disabledAt ? "disabled" : "active  "}  ${u.email}`)
        .join("\n") || "no dashboard users",
    );
  } else {
    fail(USAGE);
  }
} catch (err) {
  if (err instanceof WeakPasswordError) fail(err.message);
  throw err;
} finally {
  await handle.close();
}
