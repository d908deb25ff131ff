import {
  type DigestFlushPlan,
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
import { type Channel, PRIORITIES, type Priority, type SuppressionReason } from "@herald/domain";
import { pickZone } from "@herald/recurrence";
import {
  collapseEntries,
  digestible,
  renderContext,
  renderDigest,
  summarizeNotification,
} from "@herald/templates";
import type { WorkerDeps } from "../deps.ts";
import { optedIn } from "../router/decide-channels.ts";
import { windowPeriod } from "../router/digest-window.ts";
import { enqueueSends } from "../router/enqueue-sends.ts";
import { recipientZone } from "../router/plan-channels.ts";
import { quietHoursEnd } from "../router/quiet-hours.ts";
import { unsubscribeLink } from "../router/unsubscribe-link.ts";

/** The most urgent priority among the items (they are never critical: critical is never digested). */
function highest(items: DigestItem[]): Priority {
  const rank = (p: Priority) => PRIORITIES.indexOf(p);
  return items.map((i) => i.notification.priority).reduce((a, b) => (rank(b) < rank(a) ? b : a), "low");
}

type Delivery = Pick<NewNotification, "status" | "reason" | "scheduledAt">;

/**
 * What the window's items are folded into, and which of them leave it: items
 * of a type that is no longer digested (its rules say `never` since they were
 * filed) are not folded but go out on their own, as the digest would.
 */
async function planDigest(
  deps: WorkerDeps,
  digest: DigestRow,
  all: DigestItem[],
  now: Date,
): Promise<DigestFlushPlan> {
  const channel: Channel = digest.channel;
  const recipient = await getRecipientById(deps.db, digest.recipientId);
  const prefs = await getPreferences(deps.db, digest.recipientId);
  const defOf = (i: DigestItem) => deps.catalog.get(i.notification.type);
  // A type that left the catalog stays folded: its stored content still reads.
  const leaving = all.filter((i) => {
    const def = defOf(i);
    return def !== undefined && !digestible(def);
  });
  const left = new Set(leaving);
  const items = all.filter((i) => !left.has(i));
  // Items whose type the user turned off (or whose opt-in they took back) since they were filed are left out.
  const refused = new Set<SuppressionReason>();
  const wanted = items.filter((i) => {
    const def = defOf(i);
    const pref = def ? optedIn(prefs, def, channel, deps.env.policy.optIn) : { ok: true };
    if (!pref.ok) refused.add(pref.reason!);
    return pref.ok;
  });

  let delivery: Delivery = { status: "QUEUED", reason: null, scheduledAt: null };
  if (!recipient || recipient.erasedAt) {
    delivery = { status: "SUPPRESSED", reason: "unreachable", scheduledAt: null };
  } else {
    const quietEnd = deps.env.policy.quietHoursChannels.includes(channel)
      ? quietHoursEnd(prefs.quietHours, pickZone(prefs.quietHours?.timezone, recipient.timezone), now)
      : null;
    if (quietEnd) delivery = { status: "SCHEDULED", reason: "quiet_hours", scheduledAt: quietEnd };
  }
  // Opt-outs and bounced addresses of released items are the send's to find: it checks both again.
  const release =
    leaving.length > 0
      ? {
          ids: leaving.map((i) => i.notification.id),
          status: delivery.status as "QUEUED" | "SCHEDULED" | "SUPPRESSED",
          reason: delivery.reason ?? null,
          scheduledAt: delivery.scheduledAt ?? null,
          detail: { by: "digest", releasedFrom: digest.notificationId, why: "type_not_digested" },
        }
      : undefined;
  if (items.length === 0) return { digest: null, ...(release ? { release } : {}) };

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
  const summarized = (wanted.length > 0 ? wanted : items).map((i) => {
    const def = defOf(i);
    const entry = summarizeNotification(def, i.data, i.notification.content, ctx, i.notification.createdAt);
    return { def, entry: { id: i.notification.id, ...entry } };
  });
  let content = await renderDigest(channel, collapseEntries(summarized, ctx), period, ctx);
  if (content.channel === "email" && link) content = { ...content, headers: link.headers };

  const withRelease = (d: DigestFlushPlan["digest"]): DigestFlushPlan => ({
    digest: d,
    ...(release ? { release } : {}),
  });
  if (delivery.status === "SUPPRESSED") return withRelease({ ...base, content, ...delivery });
  if (wanted.length === 0) {
    // Every item was refused: not opted in only when that is the one reason, as support reads it.
    const reason = refused.size === 1 && refused.has("not_opted_in") ? "not_opted_in" : "opted_out";
    return withRelease({ ...base, content, status: "SUPPRESSED", reason });
  }
  const address = channel === "email" ? recipient!.email : channel === "sms" ? recipient!.phone : null;
  if (address && (await findSuppressed(deps.db, [{ channel, address }])).size > 0) {
    return withRelease({ ...base, content, status: "SUPPRESSED", reason: "bounced_address" });
  }
  return withRelease({ ...base, content, ...delivery });
}

/**
 * Flushes one digest window: folds its pending items into one notification
 * and queues it for sending, with any item that left the window to go out
 * alone. Safe to run any number of times from any number of processes: only
 * the first flush writes the notification, later ones just make sure the
 * send jobs exist.
 */
export async function flushDigestWindow(deps: WorkerDeps, digestId: string): Promise<FlushResult> {
  const now = deps.now();
  const result = await flushDigest(deps.db, digestId, now, (digest, items) =>
    planDigest(deps, digest, items, now),
  );
  if (result.kind === "missing") return result;
  const digestNotification =
    result.kind === "flushed" || result.kind === "already" ? result.notification : null;
  await enqueueSends(deps, [...(digestNotification ? [digestNotification] : []), ...result.released]);
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
