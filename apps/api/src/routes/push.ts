import { readFileSync } from "node:fs";
import { getNotification, recordClick, vapidPublicKey } from "@herald/db";
import { HeraldError } from "@herald/errors";
import { verifyTrackingToken } from "@herald/tracking";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { browserCors } from "../middleware/inbox-cors.ts";
import { commonErrors, notFoundError } from "../schemas/common.ts";
import type { TrackingBudget } from "../services/tracking-budget.ts";

/** Browser-facing push routes that need no API key; the skip list in app.ts names them. */
export const PUBLIC_PUSH_ROUTES = /^\/v1\/push\/(vapid-public-key|clicks)$/;

const SERVICE_WORKER = new URL("../../public/herald-sw.js", import.meta.url);

const vapidKey = createRoute({
  method: "get",
  path: "/v1/push/vapid-public-key",
  tags: ["Push"],
  security: [],
  summary: "The VAPID public key for `pushManager.subscribe({applicationServerKey})`",
  responses: {
    200: {
      description: "The key (base64url)",
      content: {
        "application/json": {
          schema: z.object({ publicKey: z.string() }).openapi("VapidPublicKey", {
            example: {
              publicKey:
                "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
            },
          }),
        },
      },
    },
    ...notFoundError,
  },
});

const click = createRoute({
  method: "post",
  path: "/v1/push/clicks",
  tags: ["Push"],
  security: [],
  summary: "Report a click on a web push (sent by herald-sw.js)",
  description:
    "Records the click in the notification's timeline (and marks it READ). The push payload's `clickUrl` " +
    "carries a token signed for that notification: it is the credential (401 without it, or with another " +
    "notification's).",
  request: {
    query: z.object({
      token: z.string().max(1024).optional().openapi({
        description: "From the push's `clickUrl`",
        example: "eyJuIjoibnRmXzAxamQ4cTNrNW02bjdwOHE5cjBzMXQydjN3In0.Zk3v2kq8Xw1yQm9T0aLr4A",
      }),
    }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              notificationId: z.string().regex(/^ntf_[0-9a-z]{26}$/, "must be a notification id"),
              action: z.string().max(64).optional(),
            })
            .openapi("PushClick", {
              example: { notificationId: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w", action: "open" },
            }),
        },
      },
    },
  },
  responses: { 202: { description: "Recorded" }, ...commonErrors, ...notFoundError },
});

export function registerPush(app: App, deps: ApiDeps, budget: TrackingBudget): void {
  app.use("/v1/push/*", browserCors(deps.env.INBOX_CORS_ORIGINS));

  app.openapi(vapidKey, async (c) => {
    const publicKey = await vapidPublicKey(deps.db, {
      ...(deps.env.VAPID_PUBLIC_KEY ? { configured: deps.env.VAPID_PUBLIC_KEY } : {}),
      // Outside production the API may create the shared dev pair, so a browser can subscribe before any push.
      generate: deps.env.NODE_ENV !== "production",
    });
    if (!publicKey) throw new HeraldError("not_found", "Web push is not configured (set VAPID_PUBLIC_KEY).");
    c.header("Cache-Control", "public, max-age=300");
    return c.json({ publicKey }, 200);
  });

  app.openapi(click, async (c) => {
    const { notificationId, action } = c.req.valid("json");
    const { token } = c.req.valid("query");
    const claims = token ? verifyTrackingToken(deps.env.TRACKING_SECRET, "push", token) : null;
    if (claims?.notificationId !== notificationId) {
      throw new HeraldError(
        "unauthorized",
        "Report the click to the push's clickUrl: its token, signed for this notification, is missing or wrong.",
      );
    }
    const n = await getNotification(deps.db, notificationId);
    if (n?.channel !== "push") throw new HeraldError("not_found", `No push notification ${notificationId}.`);
    // A click is a read (SPEC §3); a repeated click is still kept in the timeline, up to the budget.
    if (await budget.records(notificationId)) {
      await recordClick(deps.db, notificationId, { source: "web_push", ...(action ? { action } : {}) });
    }
    return c.body(null, 202);
  });

  const script = readFileSync(SERVICE_WORKER, "utf8");
  app.get("/herald-sw.js", (c) => {
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "no-cache");
    c.header("Service-Worker-Allowed", "/");
    return c.body(script);
  });
}
