import { parseDuration } from "@herald/config";
import { z } from "zod";

/** `"60000/1m"` → at most 60000 requests per key per minute; `"off"` disables the limiter. */
const rateLimitSpec = z.string().transform((s, ctx) => {
  if (s.trim() === "off") return null;
  const m = /^\s*(\d+)\s*\/\s*(.+)$/.exec(s);
  try {
    if (!m) throw new Error("expected");
    const max = Number(m[1]);
    const windowMs = parseDuration(m[2]!);
    if (max < 1 || windowMs < 1000) throw new Error("expected");
    return { max, windowMs };
  } catch {
    ctx.addIssue({
      code: "custom",
      message: 'must look like "60000/1m" (requests per window ≥ 1s) or "off"',
    });
    return z.NEVER;
  }
});

/** Security settings of the API, merged into its env schema. */
export const securityEnv = {
  /**
   * Requests per API key per fixed window, counted in Redis so the limit holds
   * across every API process. A key's own `rateLimit` overrides the count.
   * Default `60000/1m` (1,000 requests per second on average; a batch of 1,000 events is one request).
   */
  API_RATE_LIMIT: rateLimitSpec.default({ max: 60_000, windowMs: 60_000 }),
  /**
   * Requests per end user per fixed window made with their user tokens (inbox,
   * its stream, preferences), in Redis across every API process: a browser, or
   * someone holding a user's token, cannot spend the API's capacity. Default
   * `600/1m` (10 a second on average, for all of one user's tabs together).
   */
  USER_RATE_LIMIT: rateLimitSpec.default({ max: 600, windowMs: 60_000 }),
  /**
   * Anonymous tracking hits (open pixel, click redirect, push click) recorded
   * per notification per fixed window, in Redis across every API process.
   * Hits above it still get their pixel or redirect; they are not recorded,
   * so replaying one link cannot fill the timeline. Default `20/1m`.
   */
  TRACKING_RATE_LIMIT: rateLimitSpec.default({ max: 20, windowMs: 60_000 }),
  /**
   * How long one API process trusts a key lookup. A key revoked through the
   * API stops working at once in the process that revoked it and within this
   * time in every other process. Default 2000 ms.
   */
  API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  /**
   * Dashboard sign-in attempts per client address per window, in Redis across
   * every API process, counted before the password is checked (a successful
   * one is given back). Beside the lock-out of one e-mail after 10 failures,
   * it bounds guesses spread over many e-mails and the password hashing one
   * address can make the API do. Default `30/10m`.
   */
  DASHBOARD_SIGN_IN_RATE_LIMIT: rateLimitSpec.default({ max: 30, windowMs: 600_000 }),
  /**
   * How many reverse proxies in front of the API append to `X-Forwarded-For`,
   * so that the client's address is read from it (the N-th entry from the
   * right) instead of the socket. `false`/`0` (default): the header is ignored,
   * since anyone can send one; `true` = 1. Set it only when clients cannot
   * reach the API except through those proxies. Used for per-address budgets
   * (dashboard sign-in).
   */
  TRUST_PROXY: z
    .string()
    .default("false")
    .transform((s, ctx) => {
      const v = s.trim().toLowerCase();
      if (v === "false" || v === "no") return 0;
      if (v === "true" || v === "yes") return 1;
      if (/^\d{1,2}$/.test(v)) return Number(v);
      ctx.addIssue({ code: "custom", message: 'must be "false", "true" or a number of proxies (0-99)' });
      return z.NEVER;
    }),
};

export type RateLimitSetting = { max: number; windowMs: number } | null;
