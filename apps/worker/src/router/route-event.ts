import {
  type EventRow,
  ensureRecipient,
  getEvent,
  getPreferences,
  insertNotifications,
  listDevices,
  listEventNotifications,
  markEventFailed,
  markEventRouted,
  type NewNotification,
  type NotificationRow,
} from "@herald/db";
import { type Channel, PRIORITY_RANK, type Priority } from "@herald/domain";
import { newId } from "@herald/ids";
import { getNotificationType, renderContext, renderNotification } from "@herald/templates";
import { UnrecoverableError } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import { trackContent } from "../tracking/track-content.ts";
import { decideChannels } from "./decide-channels.ts";

/** Puts each notification's send job on its channel queue; job id = notification id, so repeats are no-ops. */
export async function enqueueSends(deps: WorkerDeps, rows: NotificationRow[]): Promise<void> {
  const now = deps.now().getTime();
  const byChannel = new Map<Channel, NotificationRow[]>();
  for (const n of rows) {
    if (n.status !== "QUEUED" && n.status !== "SCHEDULED") continue;
    byChannel.set(n.channel, [...(byChannel.get(n.channel) ?? []), n]);
  }
  await Promise.all(
    [...byChannel].map(([channel, list]) =>
      deps.queues.addBulk(
        channel,
        list.map((n) => ({
          name: "send" as const,
          data: { notificationId: n.id },
          opts: {
            jobId: n.id,
            priority: PRIORITY_RANK[n.priority],
            attempts: deps.env.retrySchedule[channel].length,
            backoff: { type: "schedule" },
            delay: n.scheduledAt ? Math.max(0, n.scheduledAt.getTime() - now) : 0,
            removeOnComplete: { age: 3600, count: 10_000 },
            removeOnFail: { age: 7 * 86_400 },
          },
        })),
      ),
    ),
  );
}

async function buildNotifications(deps: WorkerDeps, event: EventRow) {
  const def = getNotificationType(event.type);
  if (!def) throw new UnrecoverableError(`unknown type ${event.type}`);
  const recipient = await ensureRecipient(deps.db, event.userId);
  const [prefs, devices] = await Promise.all([
    getPreferences(deps.db, recipient.id),
    listDevices(deps.db, recipient.id),
  ]);
  const decision = decideChannels(def, event, recipient, prefs, devices);
  const ctx = renderContext({
    userId: event.userId,
    ...(recipient.locale ? { locale: recipient.locale } : {}),
    ...(recipient.timezone ? { timezone: recipient.timezone } : {}),
    properties: recipient.properties,
    brandName: deps.env.brandName,
  });
  const now = deps.now();
  const scheduled = event.sendAt && event.sendAt.getTime() > now.getTime() ? event.sendAt : null;
  const ids = decision.channels.map(() => newId("ntf"));
  const rows: NewNotification[] = await Promise.all(
    decision.channels.map(async (channel, i) => ({
      id: ids[i]!,
      eventId: event.id,
      recipientId: recipient.id,
      userId: event.userId,
      type: def.type,
      category: def.category,
      channel,
      priority: event.priority as Priority,
      status: scheduled ? ("SCHEDULED" as const) : ("QUEUED" as const),
      content: trackContent(deps.env, def, ids[i]!, await renderNotification(def, channel, event.data, ctx)),
      dedupKey: event.dedupKey,
      scheduledAt: scheduled,
    })),
  );
  return { rows, suppressed: decision.suppressed };
}

/**
 * The router: one event → one notification per chosen channel → one send job
 * each. Safe to run twice for the same event (a crash mid-way, a stalled
 * job): rows are unique per (event, recipient, channel) and job ids are the
 * notification ids.
 */
export async function routeEvent(deps: WorkerDeps, eventId: string): Promise<{ notifications: number }> {
  const event = await getEvent(deps.db, eventId);
  if (!event) throw new UnrecoverableError(`event ${eventId} not found`);
  if (event.status === "failed") return { notifications: 0 };
  if (event.status === "routed") {
    // A re-run after the rows were written: make sure their jobs exist.
    const existing = await listEventNotifications(deps.db, eventId);
    await enqueueSends(deps, existing);
    return { notifications: existing.length };
  }
  let built: Awaited<ReturnType<typeof buildNotifications>>;
  try {
    built = await buildNotifications(deps, event);
  } catch (err) {
    if (err instanceof UnrecoverableError || (err as Error).name === "TemplateMissingError") {
      await markEventFailed(deps.db, eventId, (err as Error).message);
      throw err instanceof UnrecoverableError ? err : new UnrecoverableError((err as Error).message);
    }
    throw err;
  }
  const inserted = await insertNotifications(deps.db, built.rows, deps.now());
  await enqueueSends(deps, inserted);
  await markEventRouted(deps.db, eventId, built.suppressed);
  return { notifications: inserted.length };
}
