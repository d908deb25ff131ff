import type { Channel } from "@herald/domain";
import { channelsOf, type NotificationType } from "./define-notification.ts";

/**
 * What a condition may decide on about the recipient: what the app told
 * Herald about them that is safe to branch on. Not their e-mail address or
 * phone number (only whether they have one), nothing of their preferences
 * (those are the user's rule, applied after the app's).
 */
export interface ConditionUser {
  /** The user's free-form `properties` (plan, name…), as the app last set them; `{}` when none. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Their BCP 47 locale, or null when the app never set one. */
  readonly locale: string | null;
  /** Their IANA time zone, or null when the app never set one. */
  readonly timezone: string | null;
  /** Whether they have an e-mail address. */
  readonly hasEmail: boolean;
  /** Whether they have a phone number. */
  readonly hasPhone: boolean;
  /** Whether they have at least one push device. */
  readonly hasPush: boolean;
}

/** What a condition's `when` is given. Both are frozen: a predicate cannot change what is sent. */
export interface ConditionInput<D> {
  /** The event's data, typed from the type's schema. */
  readonly data: D;
  readonly user: ConditionUser;
}

/** An app's rule for one channel (or the whole type): send only when `when` holds. */
export interface ChannelCondition<D> {
  /**
   * Whether to send. Run by the router once per recipient (per subscriber of
   * a topic event), so keep it cheap and free of I/O. False leaves the
   * channel out (`condition`); a throw leaves it out too
   * (`condition_error`), logged and counted, and the other channels still go.
   */
  when(input: ConditionInput<D>): boolean;
  /**
   * What the rule says, in words ("orders of 100 or more"): the dashboard
   * and the API show it, since `when` is code. Required; at most
   * {@link CONDITION_DESCRIPTION_MAX} characters.
   */
  description: string;
}

/** The keys a type's `conditions` may have: its channels, and `all` for every channel at once. */
export type ConditionKey = Channel | "all";

/**
 * A type's conditions, per channel and optionally for all of them (`all`),
 * e.g. `{ sms: { when: ({ data }) => data.total >= 100, description: "orders of 100 or more" } }`.
 * A channel goes only when `all` and its own condition both hold.
 */
export type Conditions<D> = { [K in ConditionKey]?: ChannelCondition<D> };

export const CONDITION_DESCRIPTION_MAX = 200;

const ENTRY_KEYS = new Set(["when", "description"]);

/** What the checks need of a catalog entry. */
type TypeFacts = Pick<NotificationType, "templates" | "conditions">;

/** Problems with a type's conditions, in words for the error at boot; empty when it has none or good ones. */
export function conditionProblems(def: TypeFacts): string[] {
  const conditions = def.conditions as Record<string, unknown> | undefined;
  if (conditions === undefined) return [];
  if (typeof conditions !== "object" || conditions === null || Array.isArray(conditions))
    return ["conditions must be an object: { <channel> | all: { when, description } }"];
  const own = channelsOf(def);
  const problems: string[] = [];
  for (const [key, entry] of Object.entries(conditions)) {
    if (entry === undefined) continue;
    if (key !== "all" && !(own as string[]).includes(key)) {
      problems.push(`conditions.${key}: the type is not sent on ${key} (its channels: ${own.join(", ")})`);
      continue;
    }
    if (typeof entry !== "object" || entry === null) {
      problems.push(`conditions.${key} must be an object: { when, description }`);
      continue;
    }
    const rule = entry as Record<string, unknown>;
    for (const k of Object.keys(rule))
      if (!ENTRY_KEYS.has(k))
        problems.push(`conditions.${key}.${k} is not a condition field (when, description)`);
    if (typeof rule.when !== "function") problems.push(`conditions.${key}.when must be a function`);
    const description = rule.description;
    if (typeof description !== "string" || description.trim() === "")
      problems.push(
        `conditions.${key}.description must say what the condition is (the dashboard shows it; \`when\` is code)`,
      );
    else if (description.length > CONDITION_DESCRIPTION_MAX)
      problems.push(`conditions.${key}.description is longer than ${CONDITION_DESCRIPTION_MAX} characters`);
  }
  return problems;
}

/** A type's conditions as the dashboard and the API list them: `all` first, then in the type's channel order. */
export function conditionsOf(def: TypeFacts): { channel: ConditionKey; description: string }[] {
  const conditions = def.conditions;
  if (!conditions) return [];
  const keys: ConditionKey[] = ["all", ...channelsOf(def)];
  return keys.flatMap((channel) => {
    const c = conditions[channel];
    return c ? [{ channel, description: c.description }] : [];
  });
}
