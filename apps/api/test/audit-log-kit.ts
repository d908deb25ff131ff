import { type ApiKeyScope, createApiKey } from "@herald/db";
import type { Signed } from "./dashboard-session.ts";
import { browserCall } from "./dashboard-session.ts";
import type { TestApi } from "./test-api.ts";

/** An `audit_log` row as the database holds it (snake_case). */
export interface AuditRow {
  id: string;
  at: Date;
  actor_via: string;
  actor_id: string;
  actor_name: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  status: number;
  request_id: string;
  client_ip: string | null;
  details: Record<string, unknown>;
}

/** Every entry, oldest first, once the writes this process started have ended. */
export async function auditRows(api: TestApi): Promise<AuditRow[]> {
  await api.deps.auditWriter.settled();
  return api.db.sql<AuditRow[]>`select * from audit_log order by id`;
}

/**
 * Runs `act` and answers the entries it added (the writes end after the
 * answer: they are awaited here).
 */
export async function added(api: TestApi, act: () => Promise<unknown>): Promise<AuditRow[]> {
  const before = new Set((await auditRows(api)).map((r) => r.id));
  await act();
  return (await auditRows(api)).filter((r) => !before.has(r.id));
}

/** A request with the session's cookie and, for a mutating one, its CSRF token. */
export const asSession = (api: TestApi, s: Signed, method: string, path: string, body?: unknown) =>
  browserCall(api, method, path, s, body, method === "GET" ? {} : { "x-csrf-token": s.csrf });

/** A new API key's secret and row, with `scopes`. */
export async function keyWith(api: TestApi, name: string, scopes: ApiKeyScope[]) {
  const { key, row } = await createApiKey(api.deps.db, { name, scopes });
  return { key, id: row.id, name, auth: { authorization: `Bearer ${key}` } };
}
