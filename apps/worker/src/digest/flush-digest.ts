import {
  type DigestItem,
  type DigestRow,
  type FlushResult,
  findSuppressed,
  flushDigest,
  getPreferences,
  getRecipientById,
  listDueDigests,
  type NewNotification,
  purgeExpiredDedupKeys,
} from "@herald/db";
import { type Channel, PRIORITIES, type Priority } from "@herald/domain";
import { getNotificationType, renderContext, renderDigest, summarizeNotification } from "@herald/templates";
import type { WorkerDeps } from "../deps.ts";
import { optedIn } from "../router/decide-channels.ts";
import { windowPeriod } from "../router/digest-window.ts";
import { enqueueSends } from "../router/enqueue-sends.ts";
import { pickZone } from "../router/local-time.ts";
import { recipientZone } from "../router/plan-channels.ts";
import { quietHoursEnd } from "../router/quiet-hours.ts";
import { unsubscribeLink } from "../router/unsubscribe-link.ts";

/** The most urgent priority among the items (they are never critical: critical is never digested). */
function highest(items: DigestItem[]): Priority {
  const rank = (p: Priority) => PRIORITIES.indexOf(p);
  return items.map((i) => i.notification.priority).reduce((a, b) => (rank(b) < rank(a) ? b : a), "low");
}

async function buildDigest(
  deps: WorkerDeps,
  digest: DigestRow,
  items: DigestItem[],
  now: Date,
): Promise<Omit<NewNotification, "id" | "eventId">> {
  const channel: Channel = digest.channel;
  const recipient = await getRecipientById(deps.db, digest.recipientId);
  const prefs = await getPreferences(deps.db, digest.recipientId);
  // Items whose type the user turned off since they were filed are left out.
  const wanted = items.filter((i) => {
    const def = getNotificationType(i.notification.type);
    return !def || optedIn(prefs, def, channel).ok;
  });
  const categories = [...new Set(wanted.map((i) => i.notification.category))].sort();
  const base = {
    recipientId: digest.recipientId,
    userId: digest.userId,
    type: "digest",
    category: categories.length === 1 ? categories[0]! : "digest",
    channel,
    priority: highest(items),
  };
  const zone = recipient ? recipientZone(recipient, prefs) : "UTC";
  const link = unsubscribeLink(deps, digest.recipientId, categories);
  const ctx = renderContext({
    userId: digest.userId,
    ...(recipient?.locale ? { locale: recipient.locale } : {}),
    timezone: zone,
    properties: recipient?.properties ?? {},
    brandName: deps.env.brandName,
    ...(channel === "email" && link ? { unsubscribeUrl: link.url } : {}),
  });
  const period = windowPeriod(prefs, categories);
  const entries = (wanted.length > 0 ? wanted : items).map((i) => ({
    id: i.notification.id,
    ...summarizeNotification(
      getNotificationType(i.notification.type),
      i.data,
      i.notification.content,
      ctx,
      i.notification.createdAt,
    ),
  }));
  let content = await renderDigest(channel, entries, period, ctx);
  if (content.channel === "email" && link) content = { ...content, headers: link.headers };

  if (!recipient || recipient.erasedAt || wanted.length === 0) {
    return {
      ...base,
      content,
      status: "SUPPRESSED",
      reason: recipient && !recipient.erasedAt ? "opted_out" : "unreachable",
    };
  }
  const address = channel === "email" ? recipient.email : channel === "sms" ? recipient.phone : null;
  if (address && (await findSuppressed(deps.db, [{ channel, address }])).size > 0) {
    return { ...base, content, status: "SUPPRESSED", reason: "bounced_address" };
  }
  const quietEnd = deps.env.policy.quietHoursChannels.includes(channel)
    ? quietHoursEnd(prefs.quietHours, pickZone(prefs.quietHours?.timezone, recipient.timezone), now)
    : null;
  return quietEnd
    ? { ...base, content, status: "SCHEDULED", reason: "quiet_hours", scheduledAt: quietEnd }
    : { ...base, content, status: "QUEUED" };
}

/**
 * Flushes one digest window: folds its pending items into one notification
 * and queues it for sending. Safe to run any number of times from any number
 * of processes: only the first flush writes the notification, later ones
 * just make sure its send job exists.
 */
export async function flushDigestWindow(deps: WorkerDeps, digestId: string): Promise<FlushResult> {
  const now = deps.now();
  const result = await flushDigest(deps.db, digestId, now, (digest, items) =>
    buildDigest(deps, digest, items, now),
  );
  if (result.kind === "flushed" || (result.kind === "already" && result.notification)) {
    await enqueueSends(deps, [result.notification!]);
  }
  return result;
}

/** Flushes windows overdue by more than one sweep interval (their job was lost) and purges dedup keys. */
export async function sweepDigests(deps: WorkerDeps): Promise<{ flushed: number; purged: number }> {
  const now = deps.now();
  const due = await listDueDigests(deps.db, new Date(now.getTime() - deps.env.policy.digestSweepMs), 200);
  let flushed = 0;
  for (const d of due) {
    const r = await flushDigestWindow(deps, d.id);
    if (r.kind === "flushed") flushed++;
  }
  const purged = await purgeExpiredDedupKeys(deps.db, now);
  return { flushed, purged };
}
