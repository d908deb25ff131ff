import {
  type CreatedNotification,
  type FanoutPageCounts,
  finishFanoutPage,
  getEvent,
  getFanoutPage,
  insertNotifications,
  loadFanoutRecipients,
  type NewNotification,
  recordFanoutMisses,
} from "@herald/db";
import { channelsOf } from "@herald/templates";
import { UnrecoverableError } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import { enqueueDigestFlush } from "../digest/digest-jobs.ts";
import {
  type BuiltNotifications,
  buildRecipientNotifications,
  fileDigestItems,
} from "./build-notifications.ts";
import { reportConditionErrors } from "./condition-errors.ts";
import { enqueueSends } from "./enqueue-sends.ts";
import { createPageRenderer } from "./page-renderer.ts";
import { loadReach } from "./recipient-reach.ts";
import { assignSendBatches } from "./send-batches.ts";

/**
 * Rows per INSERT statement (one JSON parameter each). Serialising the
 * parameter blocks the event loop (~15 KB of rendered e-mail per row), and
 * while it is blocked a critical job in the same process waits: 100 rows
 * keep each block to a few milliseconds.
 */
const INSERT_CHUNK = 100;
/** Recipients built between two turns of the event loop, for the same reason. */
const BUILD_CHUNK = 50;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface FanoutPageResult extends FanoutPageCounts {
  eventDone: boolean;
}

/**
 * One page of a topic event's fan-out: the page's subscribers with their
 * preferences (one query), their devices and suppressed addresses (one query
 * each), then the same per-recipient routing as a single-user event, then
 * multi-row inserts (unique per event × recipient × channel, so a retried
 * page creates nothing twice) and one `addBulk` per channel.
 */
export async function routeFanoutPage(
  deps: WorkerDeps,
  eventId: string,
  page: number,
): Promise<FanoutPageResult> {
  const [event, bounds] = await Promise.all([
    getEvent(deps.db, eventId),
    getFanoutPage(deps.db, eventId, page),
  ]);
  if (!event?.topic) throw new UnrecoverableError(`topic event ${eventId} not found`);
  if (!bounds) throw new UnrecoverableError(`fan-out page ${eventId}/${page} not planned`);
  const empty = { recipients: 0, notifications: 0, skipped: {}, eventDone: false };
  if (event.status === "failed") return empty;
  if (event.canceledAt) {
    // Canceled (DELETE /v1/events/:id): the page makes nothing but still counts as done, so the
    // last page marks the event routed and the reconciler leaves it be. A page done before
    // keeps its counts. A page already past this point when the cancel came inserts nothing
    // either: insertNotifications skips a canceled event's rows.
    if (bounds.doneAt) return { ...(bounds.counts ?? empty), eventDone: false };
    const none: FanoutPageCounts = { recipients: 0, notifications: 0, skipped: {} };
    const { eventDone } = await finishFanoutPage(deps.db, eventId, page, none);
    return { ...none, eventDone };
  }
  const def = deps.catalog.get(event.type);
  if (!def) throw new UnrecoverableError(`unknown type ${event.type}`);

  const audience = await loadFanoutRecipients(
    deps.db,
    { topic: event.topic, createdAt: event.createdAt },
    bounds,
  );
  const wanted = channelsOf(def).filter((c) => !event.channels || event.channels.includes(c));
  const reachOf = await loadReach(
    deps.db,
    audience.map((a) => a.recipient),
    wanted,
  );

  const now = deps.now();
  const render = createPageRenderer();
  const build = ({ recipient, prefs }: (typeof audience)[number]) =>
    buildRecipientNotifications(deps, {
      event: { ...event, userId: recipient.externalId },
      def,
      recipient,
      prefs,
      ...reachOf(recipient),
      now,
      render,
    });
  const built: BuiltNotifications[] = [];
  try {
    for (let i = 0; i < audience.length; i += BUILD_CHUNK) {
      built.push(...(await Promise.all(audience.slice(i, i + BUILD_CHUNK).map(build))));
      await nextTurn();
    }
  } catch (err) {
    // A type without a template for a requested channel fails the same way on every retry.
    throw (err as Error).name === "TemplateMissingError"
      ? new UnrecoverableError((err as Error).message)
      : err;
  }
  reportConditionErrors(
    deps,
    event,
    built.flatMap((b) => b.conditionErrors),
  );

  const rows: NewNotification[] = assignSendBatches(
    deps.env,
    deps.senders,
    built.flatMap((b) => b.rows),
  );
  const inserted: CreatedNotification[] = [];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    inserted.push(...(await insertNotifications(deps.db, rows.slice(i, i + INSERT_CHUNK), now)));
    await nextTurn();
  }
  let digested = 0;
  for (const b of built) {
    if (b.digestItems.length === 0) continue;
    const filed = await fileDigestItems(deps, b.digestItems, b.nextWindow, now);
    digested += filed.rows.length;
    await enqueueDigestFlush(deps, filed.digests);
  }
  await enqueueSends(deps, inserted);
  // Those who got nothing at all, for support's "why did this user get nothing?" (only misses are kept).
  await recordFanoutMisses(
    deps.db,
    eventId,
    built.flatMap((b, i) =>
      b.rows.length === 0 && b.digestItems.length === 0 && b.suppressed.length > 0
        ? [{ recipientId: audience[i]!.recipient.id, suppressed: b.suppressed }]
        : [],
    ),
  );

  const skipped: Record<string, number> = {};
  for (const b of built) for (const s of b.suppressed) skipped[s.reason] = (skipped[s.reason] ?? 0) + 1;
  const counts: FanoutPageCounts = {
    recipients: audience.length,
    notifications: inserted.length + digested,
    skipped,
  };
  const { eventDone } = await finishFanoutPage(deps.db, eventId, page, counts);
  if (eventDone) deps.logger.info({ eventId }, "fan-out done");
  return { ...counts, eventDone };
}
