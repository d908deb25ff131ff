import { idFloor, newId } from "@herald/ids";
import { and, desc, eq, gte, like, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { deleteInBatches } from "./retention.ts";
import { type AuditOutcome, type AuditVia, auditLog } from "./schema/index.ts";

export type AuditEntryRow = typeof auditLog.$inferSelect;

export interface NewAuditEntry {
  at: Date;
  actor: { via: AuditVia; id: string; name: string };
  action: string;
  target: { type: string; id: string } | null;
  outcome: AuditOutcome;
  status: number;
  requestId: string;
  clientIp: string | null;
  details: Record<string, unknown>;
}

/** Writes one entry; its id is made at `at`, so paging by id is paging by time. */
export async function insertAuditEntry(db: Db, entry: NewAuditEntry): Promise<string> {
  const id = newId("aud", entry.at.getTime());
  await db.insert(auditLog).values({
    id,
    at: entry.at,
    actorVia: entry.actor.via,
    actorId: entry.actor.id,
    actorName: entry.actor.name,
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    outcome: entry.outcome,
    status: entry.status,
    requestId: entry.requestId,
    clientIp: entry.clientIp,
    details: entry.details,
  });
  return id;
}

export interface AuditFilter {
  actorId?: string;
  /** An action (`user.erase`), or a prefix ending in a dot (`user.`: every action on users). */
  action?: string;
  targetId?: string;
  /** At or after. */
  since?: Date;
  /** At or before. */
  until?: Date;
  /** Entries older than this id (the cursor). */
  beforeId?: string;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/**
 * Entries matching every filter given, newest first, at most `limit`. Ids
 * sort by time: the time range is an id range on the primary key (or on the
 * actor, action or target index, each ending in the id).
 */
export async function listAuditLog(db: Db, filter: AuditFilter, limit: number): Promise<AuditEntryRow[]> {
  const where: SQL[] = [];
  if (filter.actorId) where.push(eq(auditLog.actorId, filter.actorId));
  if (filter.action) {
    where.push(
      filter.action.endsWith(".")
        ? like(auditLog.action, `${escapeLike(filter.action)}%`)
        : eq(auditLog.action, filter.action),
    );
  }
  if (filter.targetId) where.push(eq(auditLog.targetId, filter.targetId));
  if (filter.since) where.push(gte(auditLog.id, idFloor("aud", filter.since)));
  // Inclusive: below the first id of the next millisecond.
  if (filter.until) where.push(lt(auditLog.id, idFloor("aud", new Date(filter.until.getTime() + 1))));
  if (filter.beforeId) where.push(lt(auditLog.id, filter.beforeId));
  return db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(limit);
}

export interface AuditPurgeOptions {
  /** Entries made before this are deleted. */
  cutoff: Date;
  /** Rows per statement. Default 5000. */
  batchSize?: number;
  /** Stop starting new batches after this time (the next run goes on). Default: no limit. */
  deadline?: Date;
}

/**
 * Deletes audit entries older than the cutoff, a batch per statement (the
 * primary key serves the age filter: ids sort by time). Returns how many
 * went and whether the deadline cut it short.
 */
export async function purgeAuditLog(
  db: Db,
  options: AuditPurgeOptions,
): Promise<{ deleted: number; complete: boolean }> {
  const batch = options.batchSize ?? 5000;
  const floor = idFloor("aud", options.cutoff);
  const { deleted, complete } = await deleteInBatches(
    async () => {
      const [row] = await db.execute<{ n: number }>(sql`
        with doomed as (
          select id from audit_log where id < ${floor} order by id limit ${batch}
        ), gone as (delete from audit_log where id in (select id from doomed) returning 1)
        select count(*)::int as n from gone`);
      return Number(row?.n ?? 0);
    },
    { batch, deadline: options.deadline, pauseMs: 0 },
  );
  return { deleted, complete };
}
