import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { at, keyText } from "./columns.ts";

/**
 * How the caller was authenticated: a dashboard account's session, an API
 * key, or none: `cli` is `npm run keys` / `npm run admin` working straight on
 * the database, named by the OS user and host that ran it.
 */
export type AuditVia = "dashboard" | "api_key" | "cli";

/**
 * How the request ended: done (2xx), refused for lack of a scope or role
 * (403), or failed on the server (5xx: whether it took effect is not known).
 */
export type AuditOutcome = "success" | "forbidden" | "error";

/**
 * Who did what to what, when, from where: one row per operator action
 * (`apps/api/src/audit/`). Never holds a recipient's contact data or message
 * content: the target is an id, `details` holds field names, counts, filters
 * and preference switches. Ids sort by time, so the primary key serves
 * newest-first paging, `since`/`until` and the retention purge.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    /** `aud_…`, made at `at`. */
    id: keyText("id").primaryKey(),
    at: at("at").notNull().defaultNow(),
    actorVia: keyText("actor_via").$type<AuditVia>().notNull(),
    /** The API key's id (`key_…`), the dashboard account's (`adm_…`), or `user@host` for a CLI. */
    actorId: keyText("actor_id").notNull(),
    /** The key's name or the account's e-mail address, as they were then. */
    actorName: text("actor_name").notNull(),
    /** A stable dotted name: `user.erase`, `api_key.rotate`, `dead_letter.retry_all`… */
    action: keyText("action").notNull(),
    /** What the action was on: `user`, `notification`, `api_key`, `topic`…; null for none (a filter). */
    targetType: keyText("target_type"),
    /** The app's user id (a tombstone once erased), a notification id, a key id, a topic key… */
    targetId: keyText("target_id"),
    outcome: keyText("outcome").$type<AuditOutcome>().notNull(),
    /** The HTTP status answered. */
    status: integer("status").notNull(),
    requestId: text("request_id").notNull(),
    /** The caller's address as the API saw it (`TRUST_PROXY`); null when not known (in-process calls). */
    clientIp: text("client_ip"),
    /** Small and without personal data: changed field names, counts, the filter of a bulk retry. */
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index("audit_log_actor_idx").on(t.actorId, t.id),
    index("audit_log_action_idx").on(t.action, t.id),
    index("audit_log_target_idx").on(t.targetId, t.id),
  ],
);
