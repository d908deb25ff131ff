import { HeraldError } from "@herald/errors";
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { ApiDeps } from "./deps.ts";
import type { App, HonoEnv } from "./hono-env.ts";
import { accessLog } from "./middleware/access-log.ts";
import { apiKeyAuth } from "./middleware/api-key-auth.ts";
import { jsonDepthLimit } from "./middleware/json-depth.ts";
import { rateLimit } from "./middleware/rate-limit.ts";
import { requestId } from "./middleware/request-id.ts";
import { apiSecurityHeaders } from "./middleware/security-headers.ts";
import { createOnError, notFound, validationHook } from "./on-error.ts";
import { registerApiKeys } from "./routes/api-keys.ts";
import { registerDashboard } from "./routes/dashboard.ts";
import { registerDocs } from "./routes/docs.ts";
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
  app.use("*", apiSecurityHeaders());
  app.use("*", accessLog(deps.logger));
  app.onError(createOnError(deps.logger));
  app.notFound(notFound);

  // Every route, not only /v1: nothing reads an unbounded body.
  const max = deps.env.MAX_BODY_BYTES;
  const small = bodyLimit({ maxSize: max, onError: tooLarge(max) });
  const large = bodyLimit({ maxSize: max * 8, onError: tooLarge(max * 8) });
  app.use("*", (c, next) => (c.req.path === "/v1/events/batch" ? large(c, next) : small(c, next)));
  // Outside /v1 at once; inside /v1 only after the key is checked, so no
  // anonymous caller makes the API read a body.
  const depth = jsonDepthLimit();
  app.use("*", (c, next) => (c.req.path.startsWith("/v1/") ? next() : depth(c, next)));

  registerHealth(app, deps);
  registerDocs(app);

  const auth = apiKeyAuth(deps.db, { cacheMs: deps.env.API_KEY_CACHE_MS });
  app.use("/v1/*", auth);
  app.use(
    "/v1/*",
    rateLimit({
      redis: deps.redis,
      setting: deps.env.API_RATE_LIMIT,
      prefix: deps.env.QUEUE_PREFIX,
      logger: deps.logger,
    }),
  );

  app.use("/v1/*", depth);

  registerEvents(app, deps);
  registerNotifications(app, deps);
  registerUsers(app, deps);
  registerApiKeys(app, deps, () => auth.forget());

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
