import {
  addDigestItems,
  type DigestRow,
  type EventRow,
  ensureRecipient,
  getDigestOfNotification,
  getEvent,
  getPreferences,
  insertNotifications,
  listDevices,
  listEventNotifications,
  markEventFailed,
  markEventRouted,
  type NewNotification,
  type NotificationRow,
  openDigest,
} from "@herald/db";
import type { Channel, Priority, RenderedContent } from "@herald/domain";
import { newId } from "@herald/ids";
import { getNotificationType, renderContext, renderNotification } from "@herald/templates";
import { UnrecoverableError } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import { enqueueDigestFlush } from "../digest/digest-jobs.ts";
import { trackContent } from "../tracking/track-content.ts";
import { decideChannels } from "./decide-channels.ts";
import { digestFlushAt } from "./digest-window.ts";
import { enqueueSends } from "./enqueue-sends.ts";
import { type ChannelPlan, planChannels, recipientZone } from "./plan-channels.ts";
import { unsubscribeLink } from "./unsubscribe-link.ts";

export { enqueueSends };

interface DigestItemPlan {
  row: Omit<NewNotification, "status" | "digestId">;
  plan: Extract<ChannelPlan, { kind: "digest" }>;
}

function rowFields(plan: ChannelPlan): Pick<NewNotification, "status" | "reason" | "scheduledAt"> {
  switch (plan.kind) {
    case "queue":
      return { status: "QUEUED", reason: null, scheduledAt: null };
    case "schedule":
      return { status: "SCHEDULED", reason: plan.reason, scheduledAt: plan.at };
    case "suppress":
      return { status: "SUPPRESSED", reason: plan.reason, scheduledAt: null };
    case "digest":
      throw new Error("digest items are filed separately");
  }
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
  const now = deps.now();
  const plans = await planChannels(deps, {
    event,
    def,
    recipient,
    prefs,
    devices,
    channels: decision.channels,
    now,
  });
  const link = unsubscribeLink(deps, recipient.id, [def.category]);
  const base = {
    userId: event.userId,
    ...(recipient.locale ? { locale: recipient.locale } : {}),
    ...(recipient.timezone ? { timezone: recipient.timezone } : {}),
    properties: recipient.properties,
    brandName: deps.env.brandName,
  };
  const rendered = await Promise.all(
    decision.channels.map(async (channel): Promise<[Channel, RenderedContent]> => {
      const withLink = channel === "email" && link;
      let content = await renderNotification(
        def,
        channel,
        event.data,
        renderContext(withLink ? { ...base, unsubscribeUrl: link.url } : base),
      );
      if (withLink && content.channel === "email") content = { ...content, headers: link.headers };
      return [channel, content];
    }),
  );
  const rows: NewNotification[] = [];
  const digestItems: DigestItemPlan[] = [];
  for (const [channel, content] of rendered) {
    const plan = plans.get(channel)!;
    const id = newId("ntf");
    const row = {
      id,
      eventId: event.id,
      recipientId: recipient.id,
      userId: event.userId,
      type: def.type,
      category: def.category,
      channel,
      priority: event.priority as Priority,
      content: trackContent(deps.env, def, id, content),
      dedupKey: event.dedupKey,
    };
    if (plan.kind === "digest") digestItems.push({ row, plan });
    else rows.push({ ...row, ...rowFields(plan) });
  }
  const zone = recipientZone(recipient, prefs);
  return {
    rows,
    digestItems,
    suppressed: decision.suppressed,
    nextWindow: (period: "daily" | "weekly", after: Date) => digestFlushAt(period, prefs, zone, after),
  };
}

/**
 * Files digest items into their windows. A window flushed in the meantime
 * (its flush ran just before this router) sends the item in the next window.
 */
async function fileDigestItems(
  deps: WorkerDeps,
  items: DigestItemPlan[],
  nextWindow: (period: "daily" | "weekly", after: Date) => Date,
  now: Date,
): Promise<{ rows: NotificationRow[]; digests: DigestRow[] }> {
  const out = { rows: [] as NotificationRow[], digests: [] as DigestRow[] };
  for (const { row, plan } of items) {
    let flushAt = plan.flushAt;
    for (let attempt = 0; ; attempt++) {
      const digest = await openDigest(deps.db, {
        recipientId: row.recipientId,
        userId: row.userId,
        channel: row.channel,
        flushAt,
      });
      const filed = digest.status === "open" ? await addDigestItems(deps.db, digest.id, [row], now) : null;
      if (filed) {
        out.rows.push(...filed);
        out.digests.push(digest);
        break;
      }
      if (attempt >= 10) throw new Error(`no open digest window for ${row.recipientId}/${row.channel}`);
      flushAt = nextWindow(plan.period, flushAt);
    }
  }
  return out;
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
 * the dedup and cap bookkeeping is keyed by the event id.
 */
export async function routeEvent(deps: WorkerDeps, eventId: string): Promise<{ notifications: number }> {
  const event = await getEvent(deps.db, eventId);
  if (!event) throw new UnrecoverableError(`event ${eventId} not found`);
  if (event.status === "failed") return { notifications: 0 };
  if (event.status === "routed") {
    // A re-run after the rows were written: make sure their jobs exist.
    const existing = await listEventNotifications(deps.db, eventId);
    await enqueueSends(deps, existing);
    await enqueueDigestFlush(deps, await digestsOf(deps, existing));
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
  const now = deps.now();
  const inserted = await insertNotifications(deps.db, built.rows, now);
  const digested = await fileDigestItems(deps, built.digestItems, built.nextWindow, now);
  await enqueueSends(deps, inserted);
  await enqueueDigestFlush(deps, digested.digests);
  await markEventRouted(deps.db, eventId, built.suppressed);
  return { notifications: inserted.length + digested.rows.length };
}
