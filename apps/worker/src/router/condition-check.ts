import type { DeviceRow, RecipientRow } from "@herald/db";
import type { Channel } from "@herald/domain";
import type { ChannelCondition, ConditionInput, ConditionKey, ConditionUser } from "@herald/templates";

/** A condition's verdict on one channel for one recipient. */
export type ConditionVerdict =
  | { ok: true }
  | { ok: false; reason: "condition" }
  /** `key`: the condition that threw (`all` or the channel's own); `message`: its error's message, cut short. */
  | { ok: false; reason: "condition_error"; key: ConditionKey; message: string };

const OK: ConditionVerdict = { ok: true };
const FALSE: ConditionVerdict = { ok: false, reason: "condition" };
const MESSAGE_MAX = 200;

// Frozen copies by the object they copy. The event's data is one object for every recipient of a
// fan-out page (`{ ...event, userId }` keeps it), so a page copies it once, not per subscriber.
const frozen = new WeakMap<object, unknown>();

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * A deep-frozen copy of `value` (JSON from the database): a predicate that
 * writes to it throws (modules are strict) instead of changing what the
 * templates render or what the next recipient's predicate sees. The
 * original stays writable for the code that owns it.
 */
export function frozenCopy<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  let copy = frozen.get(value) as T | undefined;
  if (copy === undefined) {
    copy = deepFreeze(structuredClone(value));
    frozen.set(value, copy);
  }
  return copy;
}

/** What a condition may know of the recipient (never the address or number itself). */
export function conditionUser(recipient: RecipientRow, devices: readonly DeviceRow[]): ConditionUser {
  return Object.freeze({
    properties: frozenCopy(recipient.properties ?? {}),
    locale: recipient.locale ?? null,
    timezone: recipient.timezone ?? null,
    hasEmail: Boolean(recipient.email),
    hasPhone: Boolean(recipient.phone),
    hasPush: devices.length > 0,
  });
}

function messageOf(err: unknown): string {
  // Only an Error's message: a thrown value could be the data itself, and the log must not carry it.
  const message = err instanceof Error ? err.message : "threw a value that is not an Error";
  return message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX)}…` : message;
}

function run(key: ConditionKey, condition: ChannelCondition<unknown>, input: ConditionInput<unknown>) {
  let result: unknown;
  try {
    result = condition.when(input);
  } catch (err) {
    return { ok: false, reason: "condition_error", key, message: messageOf(err) } as const;
  }
  // An async predicate's promise is truthy: taken as true it would send whatever it decides.
  if (typeof (result as { then?: unknown } | null)?.then === "function")
    return {
      ok: false,
      reason: "condition_error",
      key,
      message: "when returned a promise: conditions must decide synchronously",
    } as const;
  return result ? OK : FALSE;
}

/**
 * The type's conditions for one recipient, as a verdict per channel, or null
 * when the type has none. Lazy: nothing is copied or run until a channel
 * asks, and `all` runs once however many channels ask. A channel passes
 * when `all` (if any) and its own condition (if any) hold; `all` is asked
 * first, so a false `all` is the verdict whatever the channel's own says.
 */
export function conditionChecker(
  def: { conditions?: { [K in ConditionKey]?: ChannelCondition<never> } | undefined },
  data: unknown,
  recipient: RecipientRow,
  devices: readonly DeviceRow[],
): ((channel: Channel) => ConditionVerdict) | null {
  const conditions = def.conditions as { [K in ConditionKey]?: ChannelCondition<unknown> } | undefined;
  if (!conditions) return null;
  let input: ConditionInput<unknown> | undefined;
  const inputOf = () => {
    input ??= Object.freeze({ data: frozenCopy(data), user: conditionUser(recipient, devices) });
    return input;
  };
  let all: ConditionVerdict | undefined;
  return (channel) => {
    if (conditions.all) {
      all ??= run("all", conditions.all, inputOf());
      if (!all.ok) return all;
    }
    const own = conditions[channel];
    return own ? run(channel, own, inputOf()) : OK;
  };
}
