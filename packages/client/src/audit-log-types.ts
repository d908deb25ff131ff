/** Who acted: an API key, or a dashboard account through its session. */
export interface AuditActor {
  via: "api_key" | "dashboard" | "cli";
  /** The key's id (`key_…`) or the dashboard account's (`adm_…`). */
  id: string;
  /** The key's name or the account's e-mail address, as they were then. */
  name: string;
}

/** One operator action (`GET /v1/audit-log`). */
export interface AuditEntry {
  id: string;
  at: string;
  actor: AuditActor;
  /** A stable dotted name: `user.erase`, `api_key.rotate`, `dead_letter.retry_all`… */
  action: string;
  /** What it was on: a user id (an erased user's entries name their tombstone), a notification, key, topic…; null for a filter. */
  target: { type: string; id: string } | null;
  /** `success` (2xx), `forbidden` (403: the key or role lacked the scope), `error` (5xx). */
  outcome: "success" | "forbidden" | "error";
  status: number;
  requestId: string;
  /** The caller's address as the API saw it; null when not known. */
  clientIp: string | null;
  /** Never personal data: changed field names, preference changes, counts, a bulk retry's filter. */
  details: Record<string, unknown>;
}

export interface AuditLogFilter {
  /** Entries of one API key or dashboard account. */
  actorId?: string;
  /** An action (`user.erase`), or a prefix ending in a dot (`user.`). */
  action?: string;
  /** Entries about one user id, notification, key, topic… */
  targetId?: string;
  /** At or after. */
  since?: string | Date;
  /** At or before. */
  until?: string | Date;
  /** 1–200, default 50. */
  limit?: number;
  cursor?: string;
}
