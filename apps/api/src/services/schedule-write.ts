import {
  createSchedule,
  type Db,
  ensureRecipient,
  existingTopics,
  getRecipient,
  getRecipientById,
  getScheduleByIdempotencyKey,
  type ScheduleRow,
  type StoredRule,
  upsertInlineRecipient,
} from "@herald/db";
import { HeraldError } from "@herald/errors";
import { addScheduleRun } from "@herald/jobs";
import { nextRun, pickZone, type RecurrenceRule, type RunWindow, runWindowOf } from "@herald/recurrence";
import type { ApiDeps } from "../deps.ts";
import type { EventRequest } from "../schemas/event.ts";
import type { ScheduleRequest } from "../schemas/schedule.ts";
import { askToMoveDigests } from "./digest-moves.ts";
import { validateEvent } from "./ingest.ts";

/**
 * What a run will send, checked as `POST /v1/events` checks an event (type,
 * channels, data against the type's schema, priority): the same 422s, naming
 * the same fields. Returns the data as the type's schema parsed it.
 */
export function validateScheduledEvent(
  fields: Pick<EventRequest, "type" | "userId" | "topic" | "data" | "priority" | "channels">,
  apiKeyId: string | null,
): { data: Record<string, unknown> } {
  const { event } = validateEvent({ ...fields } as EventRequest, undefined, apiKeyId);
  return { data: event.data };
}

/** The rule as stored: its zone lives in the `timezone` column. */
export function storedRule(repeat: RecurrenceRule): StoredRule {
  const { timezone: _zone, ...rule } = repeat;
  return rule;
}

/** The run window of a schedule row, its zone read now (its own, else the recipient's, else UTC). */
export async function scheduleWindow(db: Db, s: ScheduleRow): Promise<RunWindow> {
  const recipient = !s.timezone && s.recipientId ? await getRecipientById(db, s.recipientId) : null;
  return runWindowOf(s, recipient?.timezone);
}

/** The first run at or after `from` (a run exactly at `from` included). */
export const firstRunFrom = (window: RunWindow, from: Date) => nextRun(window, new Date(from.getTime() - 1));

/**
 * Adds the job of a schedule's next run. Best effort: the row is the record,
 * and when Redis refuses the job the worker's sweep adds it once the run is
 * overdue by a minute. Never throws.
 */
export async function enqueueNextRun(deps: ApiDeps, s: ScheduleRow, now: Date): Promise<void> {
  if (!s.nextRunAt || s.pausedAt) return;
  await addScheduleRun(deps.queues, s.id, s.nextRunAt, now).catch((err: Error) =>
    deps.logger.warn(
      { err: err.message, scheduleId: s.id },
      "schedule run not queued: the worker's sweep will add it once overdue",
    ),
  );
}

/**
 * Creates a schedule: validated as an event would be (404 for a topic no one
 * subscribed to), its first run computed (422 when there is none before
 * `endsAt`), inline contact data written, then the row, then its first job.
 */
export async function createScheduleFor(
  deps: ApiDeps,
  body: ScheduleRequest,
  apiKeyId: string | null,
  idempotencyKey?: string,
): Promise<{ row: ScheduleRow; replay: boolean }> {
  const { data } = validateScheduledEvent(body, apiKeyId);
  // A repeat answers what the first request made, whatever changed since (its topic deleted, its endsAt past).
  const earlier = idempotencyKey ? await getScheduleByIdempotencyKey(deps.db, idempotencyKey) : null;
  if (earlier) return { row: earlier, replay: true };
  if (body.topic && !(await existingTopics(deps.db, [body.topic])).has(body.topic)) {
    throw new HeraldError("not_found", `No topic ${body.topic}: subscribe users to it first.`);
  }
  const now = deps.clock?.() ?? new Date();
  const known = body.userId ? await getRecipient(deps.db, body.userId) : null;
  const startsAt = body.startsAt ? new Date(body.startsAt) : null;
  const endsAt = body.endsAt ? new Date(body.endsAt) : null;
  const window: RunWindow = {
    rule: body.repeat,
    zone: pickZone(body.repeat.timezone, body.user?.timezone, known?.timezone),
    anchor: startsAt ?? now,
    endsAt,
  };
  const first = firstRunFrom(window, startsAt && startsAt > now ? startsAt : now);
  if (!first) {
    const detail = {
      path: "endsAt",
      message: "no run of the rule falls between now (or startsAt) and endsAt",
    };
    throw new HeraldError("validation_failed", `${detail.path}: ${detail.message}`, { details: [detail] });
  }
  let recipientId: string | null = null;
  if (body.userId) {
    if (body.user) {
      const marked = await upsertInlineRecipient(deps.db, body.userId, body.user);
      if (marked) await askToMoveDigests(deps, [marked]);
    }
    recipientId = (await ensureRecipient(deps.db, body.userId)).id;
  }
  const created = await createSchedule(deps.db, {
    type: body.type,
    userId: body.userId ?? null,
    recipientId,
    topic: body.topic ?? null,
    data,
    priority: body.priority ?? null,
    channels: body.channels ?? null,
    rule: storedRule(body.repeat),
    timezone: body.repeat.timezone ?? null,
    startsAt,
    endsAt,
    maxRuns: body.maxRuns ?? null,
    nextRunAt: first,
    apiKeyId,
    idempotencyKey: idempotencyKey ?? null,
    createdAt: now,
  });
  if (!created.replay) await enqueueNextRun(deps, created.row, now);
  return created;
}
