import { listAuditLog, toPage } from "@herald/db";
import { createRoute } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { AuditLogPageSchema, AuditLogQuery, serializeAuditEntry } from "../schemas/audit-log.ts";
import { commonErrors, jsonResponse } from "../schemas/common.ts";
import { decodeCursorOrThrow } from "../services/page-cursor.ts";

const list = createRoute({
  method: "get",
  path: "/v1/audit-log",
  tags: ["Audit log"],
  summary: "Who did what: operators' actions, newest first",
  description:
    "One entry per operator action: API key create/rotate/revoke, user erase, suppression add/lift, dead-letter " +
    "retry/discard (one or all matching), event cancel/retry, topic delete, token revoke, webhook endpoint " +
    "create/update/delete/rotate_secret/test and dashboard account " +
    "changes, whatever the caller; and every other POST, PUT, PATCH or DELETE made with a dashboard session " +
    "(contact edits, preferences, cancels…); and the changes made with `npm run keys` and `npm run admin` straight on the " +
    "database (`actor.via: cli`, by OS user and host). Apps' own traffic through API keys (events, user upserts, devices, " +
    "topic subscriptions) is not recorded. Attempts refused for lack of a scope or role (403) and server errors " +
    "are recorded with their `outcome`; other refusals (validation, not found, conflicts) are not. `details` " +
    "never holds contact data or message content. Filters combine; `since`/`until` are inclusive. Entries " +
    "older than `AUDIT_LOG_RETENTION` (default 365 days) are deleted by the worker. Admin only.",
  middleware: [requireScope("admin")] as const,
  request: { query: AuditLogQuery },
  responses: { 200: jsonResponse(AuditLogPageSchema, "Entries, newest first"), ...commonErrors },
});

/** `GET /v1/audit-log`: the audit log, for admins. */
export function registerAuditLog(app: App, deps: ApiDeps): void {
  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const beforeId = decodeCursorOrThrow(q.cursor);
    const rows = await listAuditLog(
      deps.db,
      {
        ...(q.actorId ? { actorId: q.actorId } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.targetId ? { targetId: q.targetId } : {}),
        ...(q.since ? { since: new Date(q.since) } : {}),
        ...(q.until ? { until: new Date(q.until) } : {}),
        ...(beforeId ? { beforeId } : {}),
      },
      q.limit + 1,
    );
    const page = toPage(rows, q.limit);
    return c.json({ data: page.data.map(serializeAuditEntry), nextCursor: page.nextCursor }, 200);
  });
}
