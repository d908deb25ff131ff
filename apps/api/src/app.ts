import { HeraldError } from "@herald/errors";
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { ApiDeps } from "./deps.ts";
import type { App, HonoEnv } from "./hono-env.ts";
import { apiKeyAuth } from "./middleware/api-key-auth.ts";
import { requestId } from "./middleware/request-id.ts";
import { createOnError, notFound, validationHook } from "./on-error.ts";
import { registerDashboard } from "./routes/dashboard.ts";
import { registerEvents } from "./routes/events.ts";
import { registerHealth } from "./routes/health.ts";
import { registerMetrics } from "./routes/metrics.ts";
import { registerNotifications } from "./routes/notifications.ts";
import { registerResendWebhook } from "./routes/resend-webhook.ts";
import { registerStats } from "./routes/stats.ts";
import { registerTracking } from "./routes/tracking.ts";
import { registerTwilioWebhook } from "./routes/twilio-webhook.ts";
import { registerUsers } from "./routes/users.ts";

/** `/v1` routes that authenticate otherwise than by API key (provider signatures). Keep this list explicit. */
const NO_API_KEY: RegExp[] = [/^\/v1\/webhooks\//];

const tooLarge = (max: number) => () => {
  throw new HeraldError("payload_too_large", `Request body is larger than ${max} bytes.`);
};

/** The HTTP API as a Hono app (no listening socket): tests call `app.request()` or serve it. */
export function createApp(deps: ApiDeps): App {
  const app = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });
  app.use("*", requestId());
  app.onError(createOnError(deps.logger));
  app.notFound(notFound);

  registerHealth(app, deps);
  registerMetrics(app, deps);
  registerTracking(app, deps);

  const max = deps.env.MAX_BODY_BYTES;
  const small = bodyLimit({ maxSize: max, onError: tooLarge(max) });
  const large = bodyLimit({ maxSize: max * 8, onError: tooLarge(max * 8) });
  app.use("/v1/*", (c, next) => (c.req.path === "/v1/events/batch" ? large(c, next) : small(c, next)));
  const auth = apiKeyAuth(deps.db);
  app.use("/v1/*", (c, next) => (NO_API_KEY.some((r) => r.test(c.req.path)) ? next() : auth(c, next)));

  registerEvents(app, deps);
  registerNotifications(app, deps);
  registerUsers(app, deps);
  registerStats(app, deps);
  registerResendWebhook(app, deps);
  registerTwilioWebhook(app, deps);

  app.openAPIRegistry.registerComponent("securitySchemes", "ApiKey", {
    type: "http",
    scheme: "bearer",
    description: "An API key: `Authorization: Bearer hk_live_…`",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Herald API",
      version: "1.0.0",
      description:
        "Self-hosted notifications: trigger events, manage recipients and preferences, track delivery.",
    },
    security: [{ ApiKey: [] }],
  });
  registerDashboard(app, deps.env.DASHBOARD_DIR);
  return app;
}
