import { toDurationMs } from "@herald/config";
import { getRecipient, revokeUserTokens } from "@herald/db";
import { HeraldError } from "@herald/errors";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { pathTarget } from "../middleware/audited.ts";
import { describeDetails } from "../on-error.ts";
import { commonErrors, jsonResponse, UserIdParam } from "../schemas/common.ts";
import { announceInboxEvent } from "../services/inbox-actions.ts";
import { USER_TOKEN_MIN_TTL_MS, type UserTokens } from "../services/user-tokens.ts";

const tags = ["Inbox"];

/** An expiring token lives at most this long, unless USER_TOKEN_MAX_AGE says less. */
const MAX_TTL_MS = 30 * 86_400_000;
/** What `GET …/token` issues by default once the user's tokens were revoked. */
const REVOKED_DEFAULT_TTL_MS = 86_400_000;

const ExpiresIn = z
  .string()
  .optional()
  .openapi({
    description:
      "Issue an expiring token living this long (`15m`, `1h`, `7d`; 1 minute to 30 days, or `USER_TOKEN_MAX_AGE`). " +
      "Default: a plain token, or one living `USER_TOKEN_MAX_AGE` when that is set, or one living a day once the " +
      "user's tokens were revoked (their plain token stays refused).",
    example: "1h",
  })
  .transform((s, ctx) => (s === undefined ? undefined : toDurationMs(s, ctx)));

const userToken = createRoute({
  method: "get",
  path: "/v1/users/{userId}/token",
  tags,
  summary: "The user's inbox token, for the browser",
  description:
    "Hand it to the signed-in user's browser; it opens only this user's inbox and preferences. Plain (the default " +
    "unless `USER_TOKEN_MAX_AGE` is set): HMAC-SHA256 of the user id under the server secret (`USER_TOKEN_SECRET`), " +
    "which backends can also compute themselves and which never expires. With `expiresIn`: a token that stops " +
    "working then (401), for browsers that put it in URLs (EventSource's `?token=`), where proxies log it.",
  middleware: [requireScope("users:write")] as const,
  request: { params: UserIdParam, query: z.object({ expiresIn: ExpiresIn }) },
  responses: {
    200: jsonResponse(
      z
        .object({
          userId: z.string(),
          token: z.string(),
          expiresAt: z.iso
            .datetime()
            .nullable()
            .openapi({ description: "Null: a plain token, which never expires." }),
        })
        .openapi("UserToken", {
          example: {
            userId: "user_123",
            token:
              "v2.1765000000000.1765003600000.91f86aba380b8bb411e9d5bde6e874704588b79cd4da6874c399ebd7179ba594",
            expiresAt: "2025-12-06T06:46:40.000Z",
          },
        }),
      "The token",
    ),
    ...commonErrors,
  },
});

const revoke = createRoute({
  method: "post",
  path: "/v1/users/{userId}/token/revoke",
  tags,
  summary: "Refuse the user's tokens issued so far",
  description:
    "From now on, this user's plain token and every expiring token issued before now answer 401; tokens issued " +
    "afterwards (`GET …/token?expiresIn=`) work. For a token that leaked. Inbox streams open with a revoked token " +
    "receive `token_revoked` and end (should Redis be unreachable, at their next reconnect). Erasing a user does " +
    "the same.",
  middleware: [requireScope("users:write")] as const,
  request: { params: UserIdParam },
  responses: {
    200: jsonResponse(
      z.object({ userId: z.string(), revokedBefore: z.iso.datetime() }).openapi("UserTokensRevoked", {
        example: { userId: "user_123", revokedBefore: "2026-12-06T11:20:00.000Z" },
      }),
      "Revoked",
    ),
    ...commonErrors,
  },
});

/** 2592000000 → "30d", 7200000 → "2h", 90000 → "1.5m". */
function asDuration(ms: number): string {
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms / 60_000}m`;
}

export function registerUserTokens(app: App, deps: ApiDeps, tokens: UserTokens): void {
  const maxAge = deps.env.USER_TOKEN_MAX_AGE;

  app.openapi(userToken, async (c) => {
    const { userId } = c.req.valid("param");
    // After a revocation (or an erase) the plain token is refused for good: handing it out would send the
    // browser round in circles between 401 and this route.
    const revokedAt = (await getRecipient(deps.db, userId))?.tokensValidFrom ?? null;
    const expiresInMs =
      c.req.valid("query").expiresIn ?? maxAge ?? (revokedAt ? REVOKED_DEFAULT_TTL_MS : undefined);
    if (expiresInMs !== undefined) {
      const most = Math.min(maxAge ?? MAX_TTL_MS, MAX_TTL_MS);
      if (expiresInMs < USER_TOKEN_MIN_TTL_MS || expiresInMs > most) {
        const details = [{ path: "expiresIn", message: `must be between 1m and ${asDuration(most)}` }];
        throw new HeraldError("validation_failed", describeDetails(details), { details });
      }
    }
    const signed = await tokens.sign(userId, expiresInMs === undefined ? {} : { expiresInMs, revokedAt });
    return c.json({ userId, token: signed.token, expiresAt: signed.expiresAt?.toISOString() ?? null }, 200);
  });

  app.openapi(
    deps.audit.route(revoke, "user_tokens.revoke", { target: pathTarget("user", "userId") }),
    async (c) => {
      const { userId } = c.req.valid("param");
      const { recipientId, revokedBefore } = await revokeUserTokens(deps.db, userId, new Date());
      await announceInboxEvent(deps, recipientId, { type: "tokens_revoked" });
      return c.json({ userId, revokedBefore: revokedBefore.toISOString() }, 200);
    },
  );
}
