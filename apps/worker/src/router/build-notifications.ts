import {
  addDigestItems,
  type DeviceRow,
  type DigestRow,
  type EventRow,
  type NewNotification,
  type NotificationRow,
  openDigest,
  type Preferences,
  type RecipientRow,
} from "@herald/db";
import type { Channel, Priority, RenderedContent } from "@herald/domain";
import { newId } from "@herald/ids";
import { type NotificationType, renderContext, renderNotification } from "@herald/templates";
import type { WorkerDeps } from "../deps.ts";
import { trackContent } from "../tracking/track-content.ts";
import { type ConditionError, decideChannels } from "./decide-channels.ts";
import { digestFlushAt } from "./digest-window.ts";
import type { Render } from "./page-renderer.ts";
import { type ChannelPlan, planChannels, recipientZone } from "./plan-channels.ts";
import { unsubscribeLink } from "./unsubscribe-link.ts";

export interface DigestItemPlan {
  row: Omit<NewNotification, "status" | "digestId">;
  plan: Extract<ChannelPlan, { kind: "digest" }>;
}

/** One recipient of an event, with what routing needs to know about them. */
export interface RecipientInput {
  /** The event as this recipient sees it: `userId` is theirs (a topic event has none of its own). */
  event: EventRow & { userId: string };
  def: NotificationType;
  recipient: RecipientRow;
  prefs: Preferences;
  devices: DeviceRow[];
  now: Date;
  /** Channels whose address is on the suppression list (looked up in bulk: `loadReach`). */
  bounced: ReadonlySet<Channel>;
  /** How content is rendered; a fan-out page shares one that reuses renders (`createPageRenderer`). */
  render?: Render;
}

export interface BuiltNotifications {
  rows: NewNotification[];
  digestItems: DigestItemPlan[];
  suppressed: { channel: Channel; reason: string }[];
  /** The type's conditions that threw for this recipient: the caller logs and counts them (`reportConditionErrors`). */
  conditionErrors: ConditionError[];
  nextWindow: (period: "daily" | "weekly", after: Date) => Date;
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

/**
 * One recipient's notifications for an event: channels decided, the delivery
 * policy applied, content rendered. Nothing is written here except the
 * policy's own bookkeeping (dedup claims, frequency slots).
 */
export async function buildRecipientNotifications(
  deps: WorkerDeps,
  input: RecipientInput,
): Promise<BuiltNotifications> {
  const { event, def, recipient, prefs, devices, now, render = renderNotification } = input;
  const decision = decideChannels(def, event, recipient, prefs, devices, deps.env.policy.optIn);
  const plans = await planChannels(deps, {
    event,
    def,
    recipient,
    prefs,
    devices,
    channels: decision.channels,
    now,
    bounced: input.bounced,
  });
  // Signed for e-mail only (an HMAC per recipient is a few per cent of routing SMS or push).
  const link = decision.channels.includes("email")
    ? unsubscribeLink(deps, recipient.id, [def.category])
    : null;
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
      let content = await render(
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
    conditionErrors: decision.conditionErrors,
    nextWindow: (period, after) => digestFlushAt(period, prefs, zone, after),
  };
}

/**
 * Files digest items into their windows. A window flushed in the meantime
 * (its flush ran just before this router) sends the item in the next window.
 */
export async function fileDigestItems(
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
