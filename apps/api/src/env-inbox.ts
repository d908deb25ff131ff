import { toDurationMs } from "@herald/config";
import { z } from "zod";
import { USER_TOKEN_MIN_TTL_MS } from "./services/user-tokens.ts";

/** End-user inbox, realtime and browser push configuration, merged into the API's env schema. */
export const inboxEnvShape = {
  /**
   * Secret for per-user inbox tokens (HMAC-SHA256 of the user id). Unset: one
   * is generated on first use and stored in the database, shared by every API
   * process and kept across restarts.
   */
  USER_TOKEN_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /**
   * Longest life of a user token, as a duration (`1h`, `7d`). Set: plain
   * (non-expiring) tokens are refused and `GET /v1/users/:userId/token` issues
   * expiring ones. Default: unset, plain tokens work (SPEC's HMAC of the user id).
   */
  USER_TOKEN_MAX_AGE: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      const ms = toDurationMs(s, ctx);
      if (typeof ms !== "number") return ms; // not a duration: the issue is added
      if (ms >= USER_TOKEN_MIN_TTL_MS) return ms;
      ctx.addIssue({ code: "custom", message: "must be at least 1m" });
      return z.NEVER;
    }),
  /** The VAPID public key browsers subscribe with. Unset: the key the workers use (configured or generated dev key). */
  VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{80,100}$/, "must be a base64url P-256 public key")
    .optional(),
  /** Origins allowed to call the inbox, preferences and push routes from a browser: `*` or a comma list. */
  INBOX_CORS_ORIGINS: z.string().min(1).default("*"),
  /**
   * Most inbox streams one API process keeps open per user with their user
   * tokens (one per browser tab); another is refused with 429 until one
   * closes. Streams opened with an API key are not counted. Default 20.
   */
  INBOX_STREAMS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Comment line sent on idle SSE streams so proxies keep them open. */
  INBOX_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(20_000),
};
