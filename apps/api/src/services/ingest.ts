import { createHash } from "node:crypto";
import { type Db, deleteEvents, insertEvents, type NewEvent, upsertRecipient } from "@herald/db";
import { PRIORITY_RANK, type Priority } from "@herald/domain";
import { HeraldError } from "@herald/errors";
import { getNotificationType } from "@herald/templates";
import type { ApiDeps } from "../deps.ts";
import { describeDetails, zodDetails } from "../on-error.ts";
import type { EventRequest } from "../schemas/event.ts";

export interface ValidEvent {
  request: EventRequest;
  event: NewEvent;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Checks an event against the catalog: the type must exist and its data must
 * match the type's schema. Returns the row to insert, or the 422 to answer.
 */
export function validateEvent(
  request: EventRequest,
  headerKey: string | undefined,
  apiKeyId: string | null,
): ValidEvent {
  if (headerKey && request.idempotencyKey && headerKey !== request.idempotencyKey) {
    throw new HeraldError("malformed_request", "Idempotency-Key header and body idempotencyKey differ.");
  }
  const def = getNotificationType(request.type);
  if (!def)
    throw new HeraldError("unknown_type", `Unknown notification type "${request.type}".`, {
      details: [{ path: "type", message: "unknown notification type" }],
    });
  const parsed = def.schema.safeParse(request.data);
  if (!parsed.success) {
    const details = zodDetails(parsed.error, "data");
    throw new HeraldError("invalid_data", `Data does not match ${def.type}: ${describeDetails(details)}`, {
      details,
    });
  }
  const idempotencyKey = request.idempotencyKey ?? headerKey ?? null;
  const { idempotencyKey: _ignored, ...hashed } = request;
  return {
    request,
    event: {
      type: def.type,
      userId: request.userId,
      data: parsed.data as Record<string, unknown>,
      priority: request.priority ?? def.priority,
      sendAt: request.sendAt ? new Date(request.sendAt) : null,
      channels: request.channels ?? null,
      dedupKey: request.dedupKey ?? null,
      idempotencyKey,
      requestHash: idempotencyKey ? createHash("sha256").update(canonical(hashed)).digest("hex") : null,
      apiKeyId,
    },
  };
}

/** True once the connection is ready; waits up to `ms` (a process just starting is still connecting). */
function redisReady(redis: ApiDeps["redis"], ms: number): Promise<boolean> {
  if (redis.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.once("ready", onReady);
  });
}

export type IngestResult = { eventId: string; replay: boolean } | { error: HeraldError };

/**
 * Records events and puts them on the `events` queue. The row is committed
 * before the job exists, so the router always finds it; if Redis refuses the
 * job, the rows are deleted again and the caller gets 503 with nothing left
 * behind. (A crash between the two is what the reconciler is for.)
 */
export async function ingestEvents(deps: ApiDeps, valid: ValidEvent[]): Promise<IngestResult[]> {
  // Redis known to be down: refuse before writing anything (the delete below
  // cannot undo an inline recipient update, and BullMQ would wait for a
  // connection that never came up instead of failing).
  if (!(await redisReady(deps.redis, 1000))) {
    throw new HeraldError("unavailable", "The queue is unavailable; nothing was recorded. Retry shortly.", {
      retryAfter: 5,
    });
  }
  // One transaction: inline recipient data is written only with the event it
  // came with, so a replayed or conflicting idempotency key writes nothing.
  const inserted = await deps.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const rows = await insertEvents(
      db,
      valid.map((v) => v.event),
    );
    for (const [i, r] of rows.entries()) {
      const request = valid[i]!.request;
      if (r.created && request.user) await upsertRecipient(db, request.userId, request.user);
    }
    return rows;
  });
  const created = inserted.filter((r) => r.created).map((r) => r.event);
  try {
    await deps.queues.addBulk(
      "events",
      created.map((e) => ({
        name: "route" as const,
        data: { eventId: e.id },
        opts: { jobId: e.id, priority: PRIORITY_RANK[e.priority as Priority] },
      })),
    );
  } catch (err) {
    await deleteEvents(
      deps.db,
      created.map((e) => e.id),
    ).catch((e) => deps.logger.error({ err: e }, "could not delete events after failed enqueue"));
    throw new HeraldError("unavailable", "The queue is unavailable; nothing was recorded. Retry shortly.", {
      retryAfter: 5,
      cause: err,
    });
  }
  return inserted.map((r, i) => {
    if (r.created) return { eventId: r.event.id, replay: false };
    if (r.event.requestHash !== valid[i]!.event.requestHash) {
      return {
        error: new HeraldError(
          "idempotency_conflict",
          "This idempotency key was used for a different request; use a new key for a new event.",
        ),
      };
    }
    return { eventId: r.event.id, replay: true };
  });
}
