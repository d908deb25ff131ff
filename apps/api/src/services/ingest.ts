import { createHash } from "node:crypto";
import {
  byteOrder,
  type Db,
  discardEvents,
  type EventRow,
  eventsStillThere,
  existingTopics,
  insertEvents,
  type NewEvent,
  upsertInlineRecipient,
} from "@herald/db";
import { canonicalJson, PRIORITY_RANK, type Priority } from "@herald/domain";
import { HeraldError } from "@herald/errors";
import { newId } from "@herald/ids";
import { getNotificationType, notSentOn } from "@herald/templates";
import type { ApiDeps } from "../deps.ts";
import { describeDetails, zodDetails } from "../on-error.ts";
import type { EventRequest } from "../schemas/event.ts";
import { askToMoveDigests } from "./digest-moves.ts";
import { droppedKeys } from "./dropped-keys.ts";

export interface ValidEvent {
  request: EventRequest;
  event: NewEvent;
}

/**
 * Checks an event against the catalog: the type must exist, the channels it
 * names must be the type's, and its data must match the type's schema.
 * Returns the row to insert, or the 422 to answer.
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
  // Naming a channel the type has no template for would route to nothing and say nothing.
  const wrongChannels = (request.channels ?? []).flatMap((channel, i) => {
    const problem = notSentOn(def, channel);
    return problem ? [{ path: `channels.${i}`, message: problem }] : [];
  });
  if (wrongChannels.length > 0)
    throw new HeraldError("validation_failed", describeDetails(wrongChannels), { details: wrongChannels });
  const parsed = def.schema.safeParse(request.data);
  if (!parsed.success) {
    const details = zodDetails(parsed.error, "data");
    throw new HeraldError("invalid_data", `Data does not match ${def.type}: ${describeDetails(details)}`, {
      details,
    });
  }
  // A key the type does not know would be dropped from the stored event without a word (a misspelt
  // optional field): refused like an unknown top-level field.
  const unknown = droppedKeys(request.data, parsed.data).map((p) => ({
    path: ["data", ...p].join("."),
    message: "unrecognized key: the type's data has no such field",
  }));
  if (unknown.length > 0) {
    throw new HeraldError("invalid_data", `Data does not match ${def.type}: ${describeDetails(unknown)}`, {
      details: unknown,
    });
  }
  const idempotencyKey = request.idempotencyKey ?? headerKey ?? null;
  const { idempotencyKey: _ignored, ...hashed } = request;
  return {
    request,
    event: {
      type: def.type,
      userId: request.userId ?? null,
      topic: request.topic ?? null,
      data: parsed.data as Record<string, unknown>,
      // SPEC §3: a critical type (password reset, login alert) goes ahead of everything in every queue.
      priority: def.priority === "critical" ? "critical" : (request.priority ?? def.priority),
      sendAt: request.sendAt ? new Date(request.sendAt) : null,
      channels: request.channels ?? null,
      dedupKey: request.dedupKey ?? null,
      idempotencyKey,
      requestHash: idempotencyKey ? createHash("sha256").update(canonicalJson(hashed)).digest("hex") : null,
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

/** The job that routes an event: its group's, or its own (job id = event id). */
const routeJobOf = (e: { id: string; routeJob: string | null }) => e.routeJob ?? e.id;

/** Which of `events` have their routing job on the `events` queue, either lane (in any state); none when Redis cannot say. */
async function queuedEventIds(
  deps: ApiDeps,
  events: { id: string; routeJob: string | null }[],
): Promise<Set<string>> {
  const states = await Promise.all(
    events.map((e) =>
      deps.queues.locate("events", routeJobOf(e)).then(
        (found) => found.state,
        () => "unknown" as const,
      ),
    ),
  );
  return new Set(events.filter((_, i) => states[i] !== "unknown").map((e) => e.id));
}

/**
 * Events accepted together are routed by one `route_group` job per priority
 * (a critical event never waits in a marketing group): one job instead of one
 * each, and the router's statements for the group share all its rows. The
 * group's job id is stamped on its events before they are inserted, so the
 * reconciler and a 503 clean-up know which job to look for. A lone event of
 * its priority keeps a `route` job of its own.
 */
function assignRouteGroups(valid: ValidEvent[]): NewEvent[] {
  // Requests repeating one idempotency key are one event: they alone make no group, so that
  // their job id is the event id, the same one a concurrent replay in another call enqueues.
  const distinct = new Map<string, Set<string>>();
  valid.forEach((v, i) => {
    const keys = distinct.get(v.event.priority) ?? new Set<string>();
    keys.add(v.event.idempotencyKey ?? `\u0000${i}`);
    distinct.set(v.event.priority, keys);
  });
  const byPriority = new Map([...distinct].map(([priority, keys]) => [priority, keys.size]));
  const groupIds = new Map<string, string>();
  return valid.map(({ event }) => {
    if ((byPriority.get(event.priority) ?? 0) < 2) return { ...event, routeJob: null };
    let group = groupIds.get(event.priority);
    if (!group) {
      group = newId("grp");
      groupIds.set(event.priority, group);
    }
    return { ...event, routeJob: group };
  });
}

type RouteJob =
  | { name: "route"; data: { eventId: string }; opts: { jobId: string; priority: number } }
  | { name: "route_group"; data: { eventIds: string[] }; opts: { jobId: string; priority: number } };

/** The jobs that route `created` (grouped as stamped) and re-enqueue `replayed` (each on its own). */
function routeJobs(created: EventRow[], replayed: EventRow[]): RouteJob[] {
  const rank = (e: EventRow) => PRIORITY_RANK[e.priority as Priority];
  const groups = new Map<string, EventRow[]>();
  const jobs: RouteJob[] = [];
  for (const e of created) {
    if (e.routeJob) groups.set(e.routeJob, [...(groups.get(e.routeJob) ?? []), e]);
    else jobs.push({ name: "route", data: { eventId: e.id }, opts: { jobId: e.id, priority: rank(e) } });
  }
  for (const [jobId, members] of groups) {
    jobs.push({
      name: "route_group",
      data: { eventIds: members.map((e) => e.id) },
      opts: { jobId, priority: rank(members[0]!) },
    });
  }
  // A replay cannot rebuild its first request's group: a job of its own (routing is idempotent).
  // One created in this same call (a key repeated among requests grouped together) has its job above.
  const createdIds = new Set(created.map((e) => e.id));
  for (const e of replayed) {
    if (createdIds.has(e.id)) continue;
    jobs.push({ name: "route", data: { eventId: e.id }, opts: { jobId: e.id, priority: rank(e) } });
  }
  return jobs;
}

/**
 * Records events and puts them on the `events` queue. The row is committed
 * before the job exists, so the router always finds it; if Redis refuses the
 * job, the rows are deleted again and the caller gets 503 with nothing left
 * behind. (A crash between the two is what the reconciler is for.)
 *
 * A repeated idempotency key for an event not routed yet also (re-)enqueues
 * its job before answering 202: its first request may have died before
 * enqueueing, or be failing to enqueue right now. That first request only
 * deletes its row when no job exists, under the row's lock, and the replay
 * checks the row is still there afterwards (else it starts over), so a 202
 * never points at a deleted event.
 */
export async function ingestEvents(deps: ApiDeps, valid: ValidEvent[], round = 0): Promise<IngestResult[]> {
  // Redis known to be down: refuse before writing anything (BullMQ would wait
  // for a connection that never came up instead of failing).
  if (!(await redisReady(deps.redis, 1000))) {
    throw new HeraldError("unavailable", "The queue is unavailable; nothing was recorded. Retry shortly.", {
      retryAfter: 5,
    });
  }
  // One transaction: inline recipient data is written only with the event it
  // came with, so a replayed or conflicting idempotency key writes nothing.
  // Without inline data the insert is one statement: no BEGIN/COMMIT round trips.
  const withUser = valid.some((v) => v.request.user);
  const rowsToInsert = assignRouteGroups(valid);
  const digestsUnsettled: string[] = [];
  const inserted = !withUser
    ? await insertEvents(deps.db, rowsToInsert)
    : await deps.db.transaction(async (tx) => {
        const db = tx as unknown as Db;
        const rows = await insertEvents(db, rowsToInsert);
        // In user id order: concurrent groups (single POSTs share transactions) lock alike, no deadlock.
        const upserts = rows
          .map((r, i) => ({ created: r.created, request: valid[i]!.request }))
          .filter((u) => u.created && u.request.user && u.request.userId)
          .sort((a, b) => byteOrder(a.request.userId!, b.request.userId!));
        for (const { request } of upserts) {
          const marked = await upsertInlineRecipient(db, request.userId!, request.user!);
          if (marked) digestsUnsettled.push(marked);
        }
        return rows;
      });
  const created = inserted.filter((r) => r.created).map((r) => r.event);
  const sameRequest = (i: number) => inserted[i]!.event.requestHash === valid[i]!.event.requestHash;
  // A replay of an event still waiting to be routed may be a client retrying after our 503 or a
  // crash between commit and enqueue: make sure its job exists (same job id, so a no-op otherwise).
  const pending = inserted
    .map((r, i) => (!r.created && r.event.status === "accepted" && sameRequest(i) ? i : -1))
    .filter((i) => i >= 0);
  try {
    await deps.queues.addBulk(
      "events",
      routeJobs(
        created,
        pending.map((i) => inserted[i]!.event),
      ),
    );
  } catch (err) {
    const createdById = new Map(created.map((e) => [e.id, e]));
    await discardEvents(
      deps.db,
      created.map((e) => e.id),
      (ids) =>
        queuedEventIds(
          deps,
          ids.map((id) => createdById.get(id)!),
        ),
    ).catch((e) => deps.logger.error({ err: e }, "could not delete events after failed enqueue"));
    throw new HeraldError("unavailable", "The queue is unavailable; nothing was recorded. Retry shortly.", {
      retryAfter: 5,
      cause: err,
    });
  }
  // A time zone that came inline moves the user's open digest windows now, not at the reconciler's next pass.
  await askToMoveDigests(deps, digestsUnsettled);
  const results: IngestResult[] = inserted.map((r, i) => {
    if (r.created) return { eventId: r.event.id, replay: false };
    if (!sameRequest(i)) {
      return {
        error: new HeraldError(
          "idempotency_conflict",
          "This idempotency key was used for a different request; use a new key for a new event.",
        ),
      };
    }
    return { eventId: r.event.id, replay: true };
  });
  if (pending.length > 0) {
    // The first request's 503 clean-up may have deleted the row we matched: ingest those again.
    const still = await eventsStillThere(
      deps.db,
      pending.map((i) => inserted[i]!.event.id),
    );
    const gone = pending.filter((i) => !still.has(inserted[i]!.event.id));
    if (gone.length > 0) {
      if (round >= 2)
        throw new HeraldError("unavailable", "The queue is unavailable; retry shortly.", { retryAfter: 5 });
      const redone = await ingestEvents(
        deps,
        gone.map((i) => valid[i]!),
        round + 1,
      );
      gone.forEach((i, k) => {
        results[i] = redone[k]!;
      });
    }
  }
  return results;
}

/**
 * `ingestEvents` for events that may address a topic: one that does not
 * exist (no one ever subscribed to it) is refused with 404 rather than
 * accepted for nobody; the others are ingested together.
 */
export async function acceptEvents(deps: ApiDeps, valid: ValidEvent[]): Promise<IngestResult[]> {
  const wanted = valid.flatMap((v) => (v.event.topic ? [v.event.topic] : []));
  const known = wanted.length > 0 ? await existingTopics(deps.db, wanted) : new Set<string>();
  const ok = valid.filter((v) => !v.event.topic || known.has(v.event.topic));
  const ingested = ok.length > 0 ? await ingestEvents(deps, ok) : [];
  let next = 0;
  return valid.map((v) =>
    !v.event.topic || known.has(v.event.topic)
      ? ingested[next++]!
      : { error: new HeraldError("not_found", `No topic ${v.event.topic}: subscribe users to it first.`) },
  );
}
