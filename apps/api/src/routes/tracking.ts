import { markRead, recordClick } from "@herald/db";
import { HeraldError } from "@herald/errors";
import { verifyTrackingToken } from "@herald/tracking";
import { z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { ErrorSchema } from "../schemas/common.ts";
import type { TrackingBudget } from "../services/tracking-budget.ts";
import { createTrackingRecorder } from "../services/tracking-record.ts";

/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

const NO_STORE = {
  "Cache-Control": "no-store, no-cache, must-revalidate, private, max-age=0",
  Pragma: "no-cache",
  "Referrer-Policy": "no-referrer",
};

/**
 * E-mail open and click tracking. Tokens are HMAC-signed by the worker with
 * `TRACKING_SECRET` and carry the notification id (and, for clicks, the
 * original link): the redirect only ever goes where a token Herald signed
 * says, so it cannot be used as an open redirect, and a forged token changes nothing.
 * The answer never waits on PostgreSQL for long nor fails with it: the hit
 * is recorded best-effort (`createTrackingRecorder`).
 */
export function registerTracking(app: App, deps: ApiDeps, budget: TrackingBudget): void {
  const secret = deps.env.TRACKING_SECRET;
  const recorder = createTrackingRecorder(deps);

  app.get("/t/o/:token", async (c) => {
    const claims = verifyTrackingToken(secret, "open", c.req.param("token"));
    if (!claims) throw new HeraldError("not_found", "Unknown tracking link.");
    // Mail clients fetch the pixel on every view: the first open moves to READ, later ones add nothing.
    if (await budget.records(claims.notificationId)) {
      await recorder.record("open", claims.notificationId, () =>
        markRead(deps.db, claims.notificationId, {
          detail: { event: "opened", source: "pixel" },
          recordIgnored: false,
        }),
      );
    }
    return c.body(new Uint8Array(PIXEL), 200, { ...NO_STORE, "Content-Type": "image/gif" });
  });

  app.get("/t/c/:token", async (c) => {
    const claims = verifyTrackingToken(secret, "click", c.req.param("token"));
    if (!claims?.url) throw new HeraldError("not_found", "Unknown tracking link.");
    if (await budget.records(claims.notificationId)) {
      const url = claims.url;
      await recorder.record("click", claims.notificationId, () =>
        recordClick(deps.db, claims.notificationId, { url, source: "email" }),
      );
    }
    return c.redirect(claims.url, 302);
  });

  const request = {
    params: z.object({ token: z.string().max(8192).openapi({ example: "eyJuIjoibnRmXzAxamQ4cTNr…" }) }),
  };
  const notFound = {
    description: "Unknown or tampered token",
    content: { "application/json": { schema: ErrorSchema } },
  };
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/t/o/{token}",
    tags: ["Tracking"],
    summary: "E-mail open pixel",
    description:
      "Returns a 1×1 GIF; the first open moves the notification to READ. The GIF is returned even when the " +
      "open cannot be recorded (database unreachable).",
    security: [],
    request,
    responses: { 200: { description: "image/gif" }, 404: notFound },
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/t/c/{token}",
    tags: ["Tracking"],
    summary: "E-mail click redirect",
    description:
      "Records the click (and the open it implies) and redirects to the link the signed token carries; " +
      "the redirect does not depend on the record (database unreachable: the click is not recorded).",
    security: [],
    request,
    responses: { 302: { description: "Redirect to the original link" }, 404: notFound },
  });
}
