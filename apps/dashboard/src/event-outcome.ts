import { CHANNEL_LABEL } from "./format.ts";

const REASON_LABEL: Record<string, string> = {
  opted_out: "turned off in the user's preferences",
  unsubscribed: "user unsubscribed from everything optional",
  quiet_hours: "quiet hours",
  frequency_cap: "frequency cap reached",
  duplicate: "duplicate of an earlier event",
  unreachable: "no address or device for this channel",
  // The one reason for every kind of suppression list entry (SPEC §3): bounce, STOP, spam report, operator.
  bounced_address: "address on the suppression list (bounced, marked as spam or suppressed by hand)",
  erased: "the user was erased",
  read_elsewhere: "held back, and the user read it on another channel first",
  // The app's own rule in the catalog (the Templates page shows it), not the user's preference.
  condition: "the type's condition for this channel did not hold (see Templates)",
  condition_error: "the type's condition for this channel failed with an error (see the worker's log)",
  not_opted_in: "opt-in, and the user never turned it on",
};

/** One channel an event did not send on, and why. */
export interface SuppressedChannel {
  channel: string;
  reason: string;
}

/** "SMS: turned off in the user's preferences": one channel an event did not send on, and why. */
export const suppressedText = (s: SuppressedChannel) =>
  `${CHANNEL_LABEL[s.channel] ?? s.channel}: ${REASON_LABEL[s.reason] ?? s.reason.replaceAll("_", " ")}`;

interface EventLike {
  id: string;
  status: "accepted" | "routed" | "failed" | "canceled";
  error?: string | undefined;
  suppressed: { channel: string; reason: string }[];
  /** The event's notifications (`GET /v1/events/:id`), or only their number (a user's event list). */
  notifications?: unknown[];
  notificationCount?: number;
  fanout?: { notifications: number } | undefined;
}

/**
 * What became of an event, in one line for support: how many notifications
 * it made, or that it made none and why (`headline` without the why).
 * `settled` is false while the router has not got to it yet.
 */
export function eventOutcome(e: EventLike): {
  tone: "ok" | "bad";
  headline: string;
  text: string;
  settled: boolean;
} {
  const done = (tone: "ok" | "bad", headline: string, why = "") => ({
    tone,
    headline,
    text: why ? `${headline}: ${why}` : headline,
    settled: e.status !== "accepted",
  });
  if (e.status === "accepted") return done("ok", `Accepted (${e.id}), not routed yet`);
  if (e.status === "failed") return done("bad", "Event failed", e.error ?? "unknown error");
  const made = e.fanout?.notifications ?? e.notificationCount ?? e.notifications?.length ?? 0;
  if (e.status === "canceled") {
    // Support's answer to "why did they not get it?": the app took it back (DELETE /v1/events/:id).
    const before =
      made === 0
        ? "before any notification was made"
        : `${made} notification${made === 1 ? " was" : "s were"} made before: each canceled unless already sent`;
    return done("bad", "Canceled by the app", before);
  }
  const why = e.suppressed.map(suppressedText).join("; ");
  if (made === 0) return done("bad", "No notification was sent", why);
  return done("ok", `${made} notification${made === 1 ? "" : "s"} created`, why && `not sent on ${why}`);
}
