import { HeraldError } from "@herald/errors";
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { ApiDeps } from "./deps.ts";
import type { App, HonoEnv } from "./hono-env.ts";
import { apiKeyAuth } from "./middleware/api-key-auth.ts";
import { requestId } from "./middleware/request-id.ts";
import { createOnError, notFound, validationHook } from "./on-error.ts";
import { registerDashboard } from "./routes/dashboard.ts";
import { registerDeadLetters } from "./routes/dead-letters.ts";
import { registerEvents } from "./routes/events.ts";
import { registerHealth } from "./routes/health.ts";
import { registerNotifications } from "./routes/notifications.ts";
import { registerUsers } from "./routes/users.ts";

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

  const max = deps.env.MAX_BODY_BYTES;
  const small = bodyLimit({ maxSize: max, onError: tooLarge(max) });
  const large = bodyLimit({ maxSize: max * 8, onError: tooLarge(max * 8) });
  app.use("/v1/*", (c, next) => (c.req.path === "/v1/events/batch" ? large(c, next) : small(c, next)));
  app.use("/v1/*", apiKeyAuth(deps.db));

  registerEvents(app, deps);
  registerNotifications(app, deps);
  registerUsers(app, deps);
  registerDeadLetters(app, deps);

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
