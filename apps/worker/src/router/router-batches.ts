import { type Batcher, createBatcher } from "@herald/batching";
import {
  type CreatedNotification,
  type Db,
  type EventRow,
  ensureRecipient,
  getEvents,
  insertNotifications,
  isDatabaseUnavailable,
  loadRecipientsWithPreferences,
  markEventsRouted,
  type NewNotification,
  notificationKey,
  type Preferences,
  type RecipientRow,
  type RoutedMark,
  toPreferences,
} from "@herald/db";
import { CHANNELS } from "@herald/domain";
import type { WorkerDeps } from "../deps.ts";
import { enqueueSends } from "./enqueue-sends.ts";
import { loadReach, type Reach } from "./recipient-reach.ts";
import { assignSendBatches } from "./send-batches.ts";

/** One event's rows for `insertNotifications`, stamped with the event's own routing time. */
export interface InsertRequest {
  rows: NewNotification[];
  at: Date;
}

/** What routing needs to know about one user. */
export interface RoutingRecipient extends Reach {
  recipient: RecipientRow;
  prefs: Preferences;
}

/**
 * The router's writes and loads, grouped across the events routed at the same
 * time. Profiling the single-channel bench showed one-row statements per event
 * (the notification insert with its timeline CTE and stats trigger, the
 * event's "routed" update) taking ~1.5 ms of PostgreSQL time each while the
 * workers sat waiting; the same rows in one statement cost a fraction of that.
 */
export interface RouterBatches {
  events: Batcher<string, EventRow | null>;
  /** By external user id; a user seen for the first time is created. */
  recipients: Batcher<string, RoutingRecipient>;
  /**
   * Inserts the rows of many events and enqueues their send jobs: rows
   * stamped for one `send_batch` job are enqueued by the statement that
   * stamped them, so the job carries all of them.
   */
  inserts: Batcher<InsertRequest, CreatedNotification[]>;
  routed: Batcher<RoutedMark, void>;
}

/**
 * A failed batch is retried item by item unless PostgreSQL itself is away: one
 * event's bad row must not fail the events that shared its statement.
 */
const isolate = (err: unknown) => !isDatabaseUnavailable(err);

async function loadRoutingRecipients(db: Db, userIds: string[]): Promise<RoutingRecipient[]> {
  const found = await loadRecipientsWithPreferences(db, [...new Set(userIds)]);
  for (const userId of userIds) {
    // Usually the API upserted them with the event's inline profile; else they start bare.
    if (!found.has(userId))
      found.set(userId, { recipient: await ensureRecipient(db, userId), prefs: toPreferences(null) });
  }
  const reachOf = await loadReach(
    db,
    [...found.values()].map((f) => f.recipient),
    CHANNELS,
  );
  return userIds.map((userId) => {
    const { recipient, prefs } = found.get(userId)!;
    return { recipient, prefs, ...reachOf(recipient) };
  });
}

export function createRouterBatches(deps: WorkerDeps): RouterBatches {
  const { db } = deps;
  return {
    events: createBatcher((ids: string[]) =>
      getEvents(db, ids).then((found) => ids.map((id) => found.get(id) ?? null)),
    ),
    recipients: createBatcher((userIds: string[]) => loadRoutingRecipients(db, userIds), { isolate }),
    inserts: createBatcher(
      async (requests: InsertRequest[]) => {
        const rows = assignSendBatches(
          deps.env,
          deps.senders,
          requests.flatMap((r) => r.rows.map((row) => ({ ...row, createdAt: r.at }))),
        );
        const created = await insertNotifications(db, rows);
        await enqueueSends(deps, created);
        const stored = new Map(created.map((n) => [notificationKey(n), n]));
        // Two runs of one event in one batch both get the row that won.
        return requests.map((r) => r.rows.flatMap((row) => stored.get(notificationKey(row)) ?? []));
      },
      { isolate },
    ),
    routed: createBatcher(
      async (marks: RoutedMark[]) => {
        await markEventsRouted(db, marks);
        return marks.map(() => undefined);
      },
      { isolate },
    ),
  };
}
