import { type Batcher, createBatcher } from "@herald/batching";
import {
  addressHash,
  type Db,
  type DeviceRow,
  type EventRow,
  ensureRecipient,
  findSuppressedKeys,
  getEvents,
  insertNotifications,
  isDatabaseUnavailable,
  listDevicesOf,
  loadRecipientsWithPreferences,
  markEventsRouted,
  type NewNotification,
  type NotificationRow,
  type Preferences,
  type RecipientRow,
  type RoutedMark,
  toPreferences,
} from "@herald/db";
import type { Channel } from "@herald/domain";
import type { WorkerDeps } from "../deps.ts";
import { enqueueSends } from "./enqueue-sends.ts";
import { contactTargets } from "./plan-channels.ts";

/** One event's rows for `insertNotifications`, stamped with the event's own routing time. */
export interface InsertRequest {
  rows: NewNotification[];
  at: Date;
}

/** What routing needs to know about one user. */
export interface RoutingRecipient {
  recipient: RecipientRow;
  prefs: Preferences;
  devices: DeviceRow[];
  /** Channels whose address is on the suppression list. */
  bounced: Set<Channel>;
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
  inserts: Batcher<InsertRequest, NotificationRow[]>;
  routed: Batcher<RoutedMark, void>;
  /** One `addBulk` per channel for the send jobs of many events. */
  sends: Batcher<NotificationRow[], void>;
}

const key = (n: Pick<NotificationRow, "eventId" | "recipientId" | "channel">) =>
  `${n.eventId}\u0000${n.recipientId}\u0000${n.channel}`;

/**
 * A failed batch is retried item by item unless PostgreSQL itself is away: one
 * event's bad row must not fail the events that shared its statement.
 */
const isolate = (err: unknown) => !isDatabaseUnavailable(err);

const CONTACT_CHANNELS: Channel[] = ["email", "sms"];

async function loadRoutingRecipients(db: Db, userIds: string[]): Promise<RoutingRecipient[]> {
  const found = await loadRecipientsWithPreferences(db, [...new Set(userIds)]);
  for (const userId of userIds) {
    // Usually the API upserted them with the event's inline profile; else they start bare.
    if (!found.has(userId))
      found.set(userId, { recipient: await ensureRecipient(db, userId), prefs: toPreferences(null) });
  }
  const people = [...found.values()].map((f) => f.recipient);
  const [deviceRows, suppressed] = await Promise.all([
    listDevicesOf(
      db,
      people.map((r) => r.id),
    ),
    findSuppressedKeys(
      db,
      people.flatMap((r) => contactTargets(CONTACT_CHANNELS, r)),
    ),
  ]);
  const devicesOf = new Map<string, DeviceRow[]>();
  for (const d of deviceRows) devicesOf.set(d.recipientId, [...(devicesOf.get(d.recipientId) ?? []), d]);
  return userIds.map((userId) => {
    const { recipient, prefs } = found.get(userId)!;
    const bounced = new Set(
      contactTargets(CONTACT_CHANNELS, recipient)
        .filter((t) => suppressed.has(`${t.channel}:${addressHash(t.channel, t.address)}`))
        .map((t) => t.channel),
    );
    return { recipient, prefs, devices: devicesOf.get(recipient.id) ?? [], bounced };
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
        const stored = new Map((await insertNotifications(db, rows)).map((n) => [key(n), n]));
        // Two runs of one event in one batch both get the row that won.
        return requests.map((r) => r.rows.flatMap((row) => stored.get(key(row)) ?? []));
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
    sends: createBatcher(async (lists: NotificationRow[][]) => {
      await enqueueSends(deps, lists.flat());
      return lists.map(() => undefined);
    }),
  };
}
