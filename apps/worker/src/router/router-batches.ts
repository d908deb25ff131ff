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
  inserts: Batcher<InsertRequest, CreatedNotification[]>;
  routed: Batcher<RoutedMark, void>;
  /** One `addBulk` per channel for the send jobs of many events. */
  sends: Batcher<CreatedNotification[], void>;
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
        const rows = requests.flatMap((r) => r.rows.map((row) => ({ ...row, createdAt: r.at })));
        const stored = new Map((await insertNotifications(db, rows)).map((n) => [notificationKey(n), n]));
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
    sends: createBatcher(async (lists: CreatedNotification[][]) => {
      await enqueueSends(deps, lists.flat());
      return lists.map(() => undefined);
    }),
  };
}
