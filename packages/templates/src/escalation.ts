import { parseDuration } from "@herald/config";
import type { Channel } from "@herald/domain";
import { channelsOf, type NotificationType } from "./define-notification.ts";

/**
 * Escalation: some of a type's channels wait, and go out only if the
 * recipient has not read the event's other notifications by then (Knock's,
 * Novu's and Courier's "send e-mail only if the push was not read").
 */
export interface EscalationRules {
  /**
   * How long the type's other channels have to be read first, counted from
   * when they go out (the event's `sendAt` if ahead, else routing): a
   * duration as the environment writes them (`"90s"`, `"30m"`, `"1h"`,
   * `"2d"`), from 1 second to 7 days.
   */
  after: string;
  /**
   * The channels held back: each is SCHEDULED at that time, and ends
   * SUPPRESSED `read_elsewhere` (never sent) if one of the event's other
   * notifications of the type was read before it went out. Not every channel
   * of the type (something must go first). A held channel is never folded into
   * a digest: its notification waits for its own time and goes out alone.
   */
  channels: Channel[];
}

/** An escalation as routing uses it: the held channels and the wait in milliseconds. */
export interface Escalation {
  afterMs: number;
  channels: ReadonlySet<Channel>;
}

export const ESCALATION_MIN_MS = 1000;
export const ESCALATION_MAX_MS = 7 * 86_400_000;

/** What the checks need of a catalog entry. */
type TypeFacts = Pick<NotificationType, "priority" | "templates" | "escalation">;

const RULES = new Set(["after", "channels"]);

function afterMs(after: unknown): number | string {
  if (typeof after !== "string") return 'escalation.after must be a duration such as "30m" or "1h"';
  let ms: number;
  try {
    ms = parseDuration(after);
  } catch (err) {
    return `escalation.after: ${(err as Error).message}`;
  }
  if (ms < ESCALATION_MIN_MS || ms > ESCALATION_MAX_MS)
    return `escalation.after must be from 1s to 7d (it is "${after}")`;
  return ms;
}

/** Problems with a type's escalation, in words for the error at boot; empty when it has none or a good one. */
export function escalationProblems(def: TypeFacts): string[] {
  const rules = def.escalation as Record<string, unknown> | undefined;
  if (rules === undefined) return [];
  if (typeof rules !== "object" || rules === null)
    return ["escalation must be an object: { after, channels }"];
  const problems = Object.keys(rules)
    .filter((k) => !RULES.has(k))
    .map((k) => `escalation.${k} is not an escalation rule (after, channels)`);
  // SPEC §3: critical types are never delayed, and holding a channel back is a delay.
  if (def.priority === "critical")
    problems.push("it is critical, and critical types are never delayed (SPEC §3); remove escalation");
  const ms = afterMs(rules.after);
  if (typeof ms === "string") problems.push(ms);
  const channels = rules.channels;
  if (!Array.isArray(channels) || channels.length === 0) {
    problems.push("escalation.channels must list the channels held back, at least one");
    return problems;
  }
  const own = channelsOf(def);
  for (const c of channels) {
    if (typeof c !== "string" || !(own as string[]).includes(c))
      problems.push(
        `escalation.channels: the type is not sent on ${String(c)} (its channels: ${own.join(", ")})`,
      );
  }
  if (new Set(channels).size !== channels.length) problems.push("escalation.channels lists a channel twice");
  if (own.every((c) => channels.includes(c)))
    problems.push("escalation.channels lists every channel of the type: none would go first");
  return problems;
}

const parsedRules = new WeakMap<EscalationRules, Escalation>();

/**
 * The type's escalation as routing and sending apply it, or null when it has
 * none, or when this event is critical (an event may raise a type to
 * critical, and critical notifications are never delayed).
 */
export function escalationOf(
  def: { priority: string; escalation?: EscalationRules | undefined },
  eventPriority?: string,
): Escalation | null {
  const rules = def.escalation;
  if (!rules || def.priority === "critical" || eventPriority === "critical") return null;
  // Asked for every send of a held type (the send-time read check) and every routing: parsed once.
  let parsed = parsedRules.get(rules);
  if (!parsed) {
    parsed = { afterMs: parseDuration(rules.after), channels: new Set(rules.channels) };
    parsedRules.set(rules, parsed);
  }
  return parsed;
}
