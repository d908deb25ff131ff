import type { RunOptions } from "@herald/batching";
import {
  type DigestRow,
  type EventRow,
  getDigestOfNotification,
  listEventNotifications,
  markEventsFailed,
  type NotificationRow,
} from "@herald/db";
import { UnrecoverableError } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import { enqueueDigestFlush } from "../digest/digest-jobs.ts";
import { buildRecipientNotifications, fileDigestItems } from "./build-notifications.ts";
import { reportConditionErrors } from "./condition-errors.ts";
import { enqueueSends } from "./enqueue-sends.ts";
import { planTopicFanout } from "./fanout-plan.ts";
import { createRouterBatches, type RouterBatches } from "./router-batches.ts";

export { enqueueSends };

async function buildNotifications(
  deps: WorkerDeps,
  batches: RouterBatches,
  event: EventRow & { userId: string },
  lane: RunOptions,
) {
  const def = deps.catalog.get(event.type);
  if (!def) throw new UnrecoverableError(`unknown type ${event.type}`);
  const { recipient, prefs, devices, bounced } = await batches.recipients.run(event.userId, lane);
  return buildRecipientNotifications(deps, {
    event,
    def,
    recipient,
    prefs,
    devices,
    bounced,
    now: deps.now(),
  });
}

/** On a re-run, the flush jobs of windows this event's items were filed into. */
async function digestsOf(deps: WorkerDeps, rows: NotificationRow[]): Promise<DigestRow[]> {
  const out: DigestRow[] = [];
  for (const n of rows) {
    if (n.status !== "DIGESTED" || !n.digestId) continue;
    const digest = await getDigestOfNotification(deps.db, n.digestId);
    if (digest?.status === "open") out.push(digest);
  }
  return out;
}

/**
 * The router: one event → one notification per chosen channel, after the
 * delivery policy (suppression, dedup, digest, caps, quiet hours, schedule)
 * → one send job each, or a place in a digest window. Safe to run twice for
 * the same event (a crash mid-way, a stalled job): rows are unique per
 * (event, recipient, channel), job ids are notification and digest ids, and
 * the dedup and cap bookkeeping is keyed by the event id. Its loads and
 * writes go through `batches`, sharing statements with the other events the
 * process routes at the same moment (default: batches of its own); `lane`
 * `urgent` (a critical event's job) keeps them out of the normal events'
 * batches.
 */
export async function routeEvent(
  deps: WorkerDeps,
  eventId: string,
  batches: RouterBatches = createRouterBatches(deps),
  lane: RunOptions = {},
): Promise<{ notifications: number } | { pages: number }> {
  const event = await batches.events.run(eventId, lane);
  if (!event) throw new UnrecoverableError(`event ${eventId} not found`);
  if (event.status === "failed") return { notifications: 0 };
  if (event.canceledAt) {
    // Canceled by the app (DELETE /v1/events/:id) before it was routed, or while: nothing more is
    // made (a row that committed before the cancel was canceled by it). Marked routed, since
    // the reconciler re-enqueues events left accepted; a topic event's pages still running
    // find it canceled and make nothing either.
    if (event.status === "accepted")
      await batches.routed.run({ id: eventId, suppressed: [], at: new Date() }, lane);
    return { notifications: 0 };
  }
  if (event.topic) return planTopicFanout(deps, event, event.topic);
  if (!event.userId) throw new UnrecoverableError(`event ${eventId} has neither user nor topic`);
  if (event.status === "routed") {
    // A re-run after the rows were written: make sure their jobs exist.
    const existing = await listEventNotifications(deps.db, eventId);
    await enqueueSends(deps, existing);
    await enqueueDigestFlush(deps, await digestsOf(deps, existing));
    return { notifications: existing.length };
  }
  let built: Awaited<ReturnType<typeof buildNotifications>>;
  try {
    built = await buildNotifications(deps, batches, { ...event, userId: event.userId }, lane);
  } catch (err) {
    if (err instanceof UnrecoverableError || (err as Error).name === "TemplateMissingError") {
      await markEventsFailed(deps.db, [eventId], (err as Error).message);
      throw err instanceof UnrecoverableError ? err : new UnrecoverableError((err as Error).message);
    }
    throw err;
  }
  reportConditionErrors(deps, event, built.conditionErrors);
  const now = deps.now();
  const inserted = await batches.inserts.run({ rows: built.rows, at: now }, lane);
  const digested = await fileDigestItems(deps, built.digestItems, built.nextWindow, now);
  await enqueueDigestFlush(deps, digested.digests);
  await batches.routed.run({ id: eventId, suppressed: built.suppressed, at: new Date() }, lane);
  return { notifications: inserted.length + digested.rows.length };
}
