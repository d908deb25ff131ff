import { z } from "zod";

/** At most `max` in any `duration` ms. */
export interface RateLimitSetting {
  max: number;
  duration: number;
}

/**
 * `<CHANNEL>_RATE_LIMIT` and `<PROVIDER>_RATE_LIMIT`: `100/1s`, `2/500ms`,
 * `600/1m` (a bare number is milliseconds). Zero is refused: a limit of 0
 * would stop the channel or provider for good, and no window can be 0 long.
 */
export const rateLimitSetting = z
  .string()
  .regex(/^\d+\/\d+(ms|s|m)?$/, 'must look like "100/1s" (max per duration)')
  .transform((s): RateLimitSetting => {
    const [max, per] = s.split("/") as [string, string];
    const m = /^(\d+)(ms|s|m)?$/.exec(per)!;
    const unit = { ms: 1, s: 1000, m: 60_000 }[(m[2] ?? "ms") as "ms" | "s" | "m"];
    return { max: Number(max), duration: Number(m[1]) * unit };
  })
  .refine((l) => l.max >= 1 && l.duration >= 1, { message: "max and duration must be at least 1" });

/** `100/1s` for logs and errors. */
export const formatRateLimit = (l: RateLimitSetting): string =>
  l.duration % 60_000 === 0
    ? `${l.max}/${l.duration / 60_000}m`
    : l.duration % 1000 === 0
      ? `${l.max}/${l.duration / 1000}s`
      : `${l.max}/${l.duration}ms`;
