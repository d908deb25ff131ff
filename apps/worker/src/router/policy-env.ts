import { booleanFlag, commaList, durationMs, optInEnvShape, toOptInSettings } from "@herald/config";
import { type Category, CHANNELS, type Channel, type OptInSettings } from "@herald/domain";
import { DEV_UNSUBSCRIBE_SECRET } from "@herald/unsubscribe";
import { z } from "zod";
import { type FrequencyCap, frequencyCapList } from "./frequency-cap.ts";

/** Delivery-policy variables, merged into the worker's env schema. */
export const policyEnvShape = {
  /** Events of one user and type with the same dedup key within this window: the first wins. */
  DEDUP_WINDOW: durationMs("10m"),
  /** Without a `dedupKey`, treat identical data as the key. Off by default: same content ≠ same message. */
  DEDUP_CONTENT_HASH: booleanFlag(false),
  /** e.g. `marketing:email:3/1d,marketing:push:5/1d`. None by default. */
  FREQUENCY_CAPS: frequencyCapList.optional(),
  /** Channels quiet hours hold back. In-app is left out: it interrupts nobody. */
  QUIET_HOURS_CHANNELS: commaList(CHANNELS).default(["push", "email", "sms"]),
  /** HMAC secret of unsubscribe links; the API must have the same one. Required in production. */
  UNSUBSCRIBE_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /** How often due digest windows whose job was lost are flushed, and expired dedup keys purged. */
  DIGEST_SWEEP_INTERVAL: durationMs("1m"),
  ...optInEnvShape,
};

export interface PolicyEnv {
  dedupWindowMs: number;
  dedupContentHash: boolean;
  frequencyCaps: FrequencyCap[];
  quietHoursChannels: Channel[];
  unsubscribeSecret: string;
  digestSweepMs: number;
  /** `OPT_IN_CATEGORIES`, `OPT_IN_CHANNELS`: off until the user says yes (default: nothing). */
  optIn: OptInSettings;
}

/** Production must not sign links with the well-known development secret. */
export function policyEnv(e: {
  DEDUP_WINDOW: number;
  DEDUP_CONTENT_HASH: boolean;
  FREQUENCY_CAPS?: FrequencyCap[] | undefined;
  QUIET_HOURS_CHANNELS: Channel[];
  UNSUBSCRIBE_SECRET?: string | undefined;
  DIGEST_SWEEP_INTERVAL: number;
  OPT_IN_CATEGORIES: Category[];
  OPT_IN_CHANNELS: Channel[];
}): PolicyEnv {
  return {
    dedupWindowMs: e.DEDUP_WINDOW,
    dedupContentHash: e.DEDUP_CONTENT_HASH,
    frequencyCaps: e.FREQUENCY_CAPS ?? [],
    quietHoursChannels: e.QUIET_HOURS_CHANNELS,
    unsubscribeSecret: e.UNSUBSCRIBE_SECRET ?? DEV_UNSUBSCRIBE_SECRET,
    digestSweepMs: e.DIGEST_SWEEP_INTERVAL,
    optIn: toOptInSettings(e),
  };
}
