import type { AuditEntryRow } from "@herald/db";
import { z } from "@hono/zod-openapi";
import { CreatedRangeQuery, PageQuery, Timestamp } from "./common.ts";

const example = {
  id: "aud_01jd8q3k5m6n7p8q9r0s1t2v3w",
  at: "2026-11-24T09:05:12.000Z",
  actor: { via: "dashboard" as const, id: "adm_01jd8q3k5m6n7p8q9r0s1t2v40", name: "sam@example.com" },
  action: "user.update",
  target: { type: "user", id: "user_123" },
  outcome: "success" as const,
  status: 200,
  requestId: "req_01jd8q3k5m6n7p8q9r0s1t2v3x",
  clientIp: "203.0.113.7",
  details: { fields: ["email"] },
};

/** One operator action: who, what, on what, when, from where, and how it ended. */
export const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: Timestamp,
    actor: z
      .object({
        via: z.enum(["dashboard", "api_key", "cli"]),
        id: z.string().openapi({
          description: "The API key's id, the dashboard account's id, or `user@host` for a CLI",
        }),
        name: z.string().openapi({
          description:
            "The key's name or the account's e-mail, as they were then; for a CLI, which one and who ran it",
        }),
      })
      .openapi({
        description:
          "Who: an API key, a dashboard account through its session, or `npm run keys` / `npm run admin` (`cli`) straight on the database",
      }),
    action: z.string().openapi({ description: "A stable dotted name: `user.erase`, `api_key.rotate`…" }),
    target: z.object({ type: z.string(), id: z.string() }).nullable().openapi({
      description:
        "What it was on: the app's user id (`type: user`; an erased user's entries name their tombstone), a notification, event or key id, a topic key, `channel:hash` of a suppressed address; null for a filter",
    }),
    outcome: z.enum(["success", "forbidden", "error"]).openapi({
      description:
        "`success` (2xx), `forbidden` (403: the key or role lacked the scope), `error` (5xx: whether it took effect is not known)",
    }),
    status: z.number().int().openapi({
      description: "The HTTP status answered; for a CLI, the status the API answers for the same action",
    }),
    requestId: z.string(),
    clientIp: z.string().nullable().openapi({
      description: "The caller's address as the API saw it (`TRUST_PROXY`); null when not known",
    }),
    details: z.record(z.string(), z.unknown()).openapi({
      description:
        "Never personal data: the names of contact fields changed (not their values), preference changes, counts, a bulk retry's filter",
    }),
  })
  .openapi("AuditEntry", { example });

export const AuditLogPageSchema = z
  .object({ data: z.array(AuditEntrySchema), nextCursor: z.string().nullable() })
  .openapi("AuditLogPage", { example: { data: [example], nextCursor: null } });

export const AuditLogQuery = z.object({
  ...PageQuery,
  actorId: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: "Entries of one API key or dashboard account", example: example.actor.id }),
  action: z
    .string()
    .max(100)
    .regex(/^[a-z_.]+$/, "lower-case letters, `_` and `.`")
    .optional()
    .openapi({
      description: "An action (`user.erase`), or a prefix ending in `.` (`user.`)",
      example: "user.",
    }),
  targetId: z
    .string()
    .max(256)
    .optional()
    .openapi({ description: "Entries about one user id, notification, key, topic…", example: "user_123" }),
  ...CreatedRangeQuery,
});

export function serializeAuditEntry(r: AuditEntryRow) {
  return {
    id: r.id,
    at: r.at.toISOString(),
    actor: { via: r.actorVia, id: r.actorId, name: r.actorName },
    action: r.action,
    target: r.targetType && r.targetId ? { type: r.targetType, id: r.targetId } : null,
    outcome: r.outcome,
    status: r.status,
    requestId: r.requestId,
    clientIp: r.clientIp,
    details: r.details,
  };
}
