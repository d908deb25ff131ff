import { getSchedule, type SchedulePatch, type ScheduleRow, updateSchedule } from "@herald/db";
import { HeraldError } from "@herald/errors";
import { isTimeZone } from "@herald/recurrence";
import type { ApiDeps } from "../deps.ts";
import type { SchedulePatchRequest } from "../schemas/schedule.ts";
import {
  enqueueNextRun,
  firstRunFrom,
  scheduleWindow,
  storedRule,
  validateScheduledEvent,
} from "./schedule-write.ts";

/** Attempts at the compare-and-set before giving up: each lost one means a run just advanced the schedule. */
const PATCH_ROUNDS = 3;

const notFound = (id: string) => new HeraldError("not_found", `No schedule ${id}.`);

/**
 * The change to write, read against the schedule as it is now. The next run
 * is computed again when the rule, its zone, `endsAt` or `maxRuns` change, or
 * on resume: the first run from now on (never one already done), null when
 * none is left. Pausing keeps it, so the schedule shows where it stopped.
 */
async function planPatch(
  deps: ApiDeps,
  s: ScheduleRow,
  p: SchedulePatchRequest,
  now: Date,
): Promise<SchedulePatch> {
  const out: SchedulePatch = {};
  if (p.data !== undefined) {
    const fields = {
      type: s.type,
      data: p.data,
      ...(s.userId ? { userId: s.userId } : {}),
      ...(s.topic ? { topic: s.topic } : {}),
      ...(s.channels
        ? { channels: s.channels as NonNullable<Parameters<typeof validateScheduledEvent>[0]["channels"]> }
        : {}),
    };
    out.data = validateScheduledEvent(fields, s.apiKeyId).data;
  }
  if (p.repeat !== undefined) {
    out.rule = storedRule(p.repeat);
    if (p.repeat.timezone !== undefined) out.timezone = p.repeat.timezone;
  }
  if (p.timezone !== undefined) {
    if (p.timezone !== null && !isTimeZone(p.timezone)) {
      const detail = { path: "timezone", message: "unknown IANA time zone" };
      throw new HeraldError("validation_failed", `timezone: ${detail.message}`, { details: [detail] });
    }
    out.timezone = p.timezone;
  }
  if (p.endsAt !== undefined) out.endsAt = p.endsAt === null ? null : new Date(p.endsAt);
  if (p.maxRuns !== undefined) out.maxRuns = p.maxRuns;
  if (p.paused !== undefined) out.pausedAt = p.paused ? (s.pausedAt ?? now) : null;
  const resumed = p.paused === false && s.pausedAt !== null;
  const recompute =
    resumed ||
    p.repeat !== undefined ||
    p.timezone !== undefined ||
    p.endsAt !== undefined ||
    p.maxRuns !== undefined;
  if (recompute) {
    const next = { ...s, ...out };
    const window = await scheduleWindow(deps.db, next);
    const startsAt = next.startsAt && next.startsAt > now ? next.startsAt : now;
    const from =
      next.lastRunAt && next.lastRunAt >= startsAt ? new Date(next.lastRunAt.getTime() + 1) : startsAt;
    const done = next.maxRuns !== null && next.runs >= next.maxRuns;
    out.nextRunAt = done ? null : firstRunFrom(window, from);
  }
  return out;
}

/**
 * Applies a PATCH. Written with a compare-and-set on the next run read, so a
 * run advancing the schedule meanwhile is not undone: the change is planned
 * again against the row it left.
 */
export async function patchSchedule(
  deps: ApiDeps,
  id: string,
  p: SchedulePatchRequest,
): Promise<ScheduleRow> {
  for (let round = 0; round < PATCH_ROUNDS; round++) {
    const s = await getSchedule(deps.db, id);
    if (!s) throw notFound(id);
    const now = deps.clock?.() ?? new Date();
    const patch = await planPatch(deps, s, p, now);
    const row = await updateSchedule(deps.db, id, s.nextRunAt, patch);
    if (!row) continue;
    if (row.nextRunAt?.getTime() !== s.nextRunAt?.getTime() || (s.pausedAt && !row.pausedAt)) {
      await enqueueNextRun(deps, row, now);
    }
    return row;
  }
  throw new HeraldError("conflict", "The schedule changed while this request was applied; retry.");
}
