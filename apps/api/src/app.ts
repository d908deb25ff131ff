import { HeraldError } from "@herald/errors";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiDeps } from "./deps.ts";
import type { App, HonoEnv } from "./hono-env.ts";
import { accessLog } from "./middleware/access-log.ts";
import { apiKeyAuth } from "./middleware/api-key-auth.ts";
import { bodyLimit } from "./middleware/body-limit.ts";
import { browserCors } from "./middleware/inbox-cors.ts";
import { jsonDepthLimit } from "./middleware/json-depth.ts";
import { jsonMediaType } from "./middleware/media-type.ts";
import { rateLimit } from "./middleware/rate-limit.ts";
import { requestId } from "./middleware/request-id.ts";
import { apiSecurityHeaders } from "./middleware/security-headers.ts";
import { SESSION_COOKIE, sessionAuth, usesSessionCookie } from "./middleware/session-auth.ts";
import { trailingSlashRedirect } from "./middleware/trailing-slash.ts";
import { USER_PREFERENCES_PATH, USER_TOKEN_ROUTES, userTokenAuth } from "./middleware/user-token-auth.ts";
import { createOnError, notFound, validationHook } from "./on-error.ts";
import { describeResponseHeaders, fitErrorResponses } from "./openapi-document.ts";
import { registerApiKeys } from "./routes/api-keys.ts";
import { registerAuditLog } from "./routes/audit-log.ts";
import { registerBullBoard } from "./routes/bull-board.ts";
import { registerDashboard } from "./routes/dashboard.ts";
import { registerDashboardAccounts } from "./routes/dashboard-accounts.ts";
import { registerDashboardData } from "./routes/dashboard-data.ts";
import { registerDashboardJob } from "./routes/dashboard-job.ts";
import { registerDashboardOverview } from "./routes/dashboard-overview.ts";
import { registerDashboardSession } from "./routes/dashboard-session.ts";
import { registerDashboardTemplates } from "./routes/dashboard-templates.ts";
import { registerDeadLetters } from "./routes/dead-letters.ts";
import { registerDocs } from "./routes/docs.ts";
import { registerEventCancel } from "./routes/event-cancel.ts";
import { registerEventMisses } from "./routes/event-misses.ts";
import { registerEventRetry } from "./routes/event-retry.ts";
import { registerEvents } from "./routes/events.ts";
import { registerHealth } from "./routes/health.ts";
import { registerInbox } from "./routes/inbox.ts";
import { registerMetrics } from "./routes/metrics.ts";
import { registerNotifications } from "./routes/notifications.ts";
import { describeOpsAlertWebhook } from "./routes/ops-alert-webhook.ts";
import { PUBLIC_PUSH_ROUTES, registerPush } from "./routes/push.ts";
import { registerReschedule } from "./routes/reschedule.ts";
import { registerResendWebhook } from "./routes/resend-webhook.ts";
import { registerSchedules } from "./routes/schedules.ts";
import { registerStats } from "./routes/stats.ts";
import { describeStatusWebhook } from "./routes/status-webhook.ts";
import { registerSuppressions } from "./routes/suppressions.ts";
import { registerTopics } from "./routes/topics.ts";
import { registerTracking } from "./routes/tracking.ts";
import { registerTwilioWebhook } from "./routes/twilio-webhook.ts";
import { registerUnsubscribe } from "./routes/unsubscribe.ts";
import { registerUserEvents } from "./routes/user-events.ts";
import { registerUserExport } from "./routes/user-export.ts";
import { registerUserSuppressions } from "./routes/user-suppressions.ts";
import { registerUserTokens } from "./routes/user-tokens.ts";
import { registerUserTopics } from "./routes/user-topics.ts";
import { registerUsers } from "./routes/users.ts";
import { registerUsersBatch } from "./routes/users-batch.ts";
import { registerWebhookEndpoints } from "./routes/webhook-endpoints.ts";
import { createTrackingBudget } from "./services/tracking-budget.ts";
import { createUserTokens } from "./services/user-tokens.ts";

/**
 * /v1 routes that authenticate otherwise than by API key: a user's inbox
 * (user token or API key, `middleware/user-token-auth.ts`), the two push
 * routes browsers and the service worker call, and provider webhooks
 * (signatures). Keep this list explicit.
 */
const OWN_AUTH_ROUTES: RegExp[] = [USER_TOKEN_ROUTES, PUBLIC_PUSH_ROUTES, /^\/v1\/webhooks\//];

/** Dashboard sign-in: the one /v1 call made before there is a key or a session. */
const isSignIn = (method: string, path: string) => method === "POST" && path === "/v1/dashboard/session";

/**
 * Routes taking up to 1,000 items, whose bodies may be 8 times `MAX_BODY_BYTES`:
 * 1,000 users with a few properties each outgrow 1 MB.
 */
const LARGE_BODY_PATHS = new Set(["/v1/events/batch", "/v1/users/batch"]);

const tooLarge = (max: number) => () => {
  throw new HeraldError("payload_too_large", `Request body is larger than ${max} bytes.`);
};

/** The HTTP API as a Hono app (no listening socket): tests call `app.request()` or serve it. */
export function createApp(deps: ApiDeps): App {
  const app = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });
  app.use("*", requestId());
  app.use("*", async (c, next) => {
    await next();
    // Shutting down: the client opens a new connection for its next request (see ApiDeps.lifecycle).
    if (deps.lifecycle.closing) c.header("Connection", "close");
  });
  app.use("*", apiSecurityHeaders());
  app.use("*", accessLog(deps.logger, deps.httpMetrics));
  app.use("*", trailingSlashRedirect());
  app.use("*", jsonMediaType());
  app.onError(createOnError(deps.logger));
  app.notFound(notFound);

  // Every route, not only /v1: nothing reads an unbounded body.
  const max = deps.env.MAX_BODY_BYTES;
  const small = bodyLimit({ maxSize: max, onError: tooLarge(max) });
  const large = bodyLimit({ maxSize: max * 8, onError: tooLarge(max * 8) });
  app.use("*", (c, next) => (LARGE_BODY_PATHS.has(c.req.path) ? large(c, next) : small(c, next)));
  // Outside /v1 at once; inside /v1 only after the key is checked, so no
  // anonymous caller makes the API read a body.
  const depth = jsonDepthLimit();
  app.use("*", (c, next) => (c.req.path.startsWith("/v1/") ? next() : depth(c, next)));

  registerHealth(app, deps);
  registerDocs(app);
  // Reached from e-mails: authorised by the signed token in the URL, not an API key.
  registerUnsubscribe(app, deps);
  registerMetrics(app, deps);
  // One budget for the pixel, the click redirect and push clicks (the same notification may see all three).
  const trackingBudget = createTrackingBudget(deps);
  registerTracking(app, deps, trackingBudget);

  const auth = apiKeyAuth(deps.db, { cacheMs: deps.env.API_KEY_CACHE_MS });
  // The dashboard calls the same /v1 routes with its session cookie instead of a key
  // (`middleware/session-auth.ts`: role → scopes, CSRF on state-changing calls).
  const session = sessionAuth(deps.db);
  const tokens = createUserTokens(deps.db, {
    secret: deps.env.USER_TOKEN_SECRET,
    maxAgeMs: deps.env.USER_TOKEN_MAX_AGE,
  });
  // A user's own preferences also take their user token (SPEC §4), checked
  // here first; preflights end in the CORS middleware. Anything else (API
  // keys, dashboard sessions) is left to the auth below, so scopes, CSRF and
  // the rate limit apply to them as on every other route. Header only:
  // nothing here needs EventSource's `?token=`.
  app.use(
    USER_PREFERENCES_PATH,
    browserCors(deps.env.INBOX_CORS_ORIGINS),
    userTokenAuth({
      tokens,
      opens: "preferences",
      otherwise: (_c, next) => next(),
    }),
  );
  // A dashboard session's mutating requests are all audited (`middleware/audited.ts`); API keys'
  // requests pass no audit code unless their route declares an operator action.
  app.use("/v1/*", (c, next) => {
    if (OWN_AUTH_ROUTES.some((r) => r.test(c.req.path)) || isSignIn(c.req.method, c.req.path)) return next();
    if (c.get("userToken") !== undefined) return next();
    if (!usesSessionCookie(c)) return auth(c, next);
    return session(c, async () => {
      await deps.audit.sessions(c, next);
    });
  });
  // Counts a request once its caller is known: here, or after the inbox's own auth.
  const limit = rateLimit({
    redis: deps.redis,
    setting: deps.env.API_RATE_LIMIT,
    userSetting: deps.env.USER_RATE_LIMIT,
    prefix: deps.env.QUEUE_PREFIX,
    logger: deps.logger,
  });
  app.use("/v1/*", limit);

  app.use("/v1/*", depth);

  registerEvents(app, deps);
  registerSchedules(app, deps);
  registerNotifications(app, deps);
  registerReschedule(app, deps);
  registerUsers(app, deps);
  registerUsersBatch(app, deps);
  registerUserEvents(app, deps);
  registerUserExport(app, deps);
  registerEventMisses(app, deps);
  registerEventRetry(app, deps);
  registerEventCancel(app, deps);
  registerUserTopics(app, deps);
  registerUserSuppressions(app, deps);
  registerSuppressions(app, deps);
  registerTopics(app, deps);
  registerInbox(app, deps, { apiKey: auth, limit, tokens });
  registerUserTokens(app, deps, tokens);
  registerPush(app, deps, trackingBudget);
  registerStats(app, deps);
  registerResendWebhook(app, deps);
  registerTwilioWebhook(app, deps);
  describeOpsAlertWebhook(app);
  describeStatusWebhook(app);
  registerApiKeys(app, deps, () => auth.forget());
  registerDeadLetters(app, deps);
  registerAuditLog(app, deps);
  registerWebhookEndpoints(app, deps);
  registerDashboardSession(app, deps);
  registerDashboardAccounts(app, deps);
  registerDashboardOverview(app, deps);
  registerDashboardJob(app, deps);
  registerDashboardData(app, deps);
  registerDashboardTemplates(app, deps);

  app.openAPIRegistry.registerComponent("securitySchemes", "ApiKey", {
    type: "http",
    scheme: "bearer",
    description: "An API key: `Authorization: Bearer hk_live_…`",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "DashboardSession", {
    type: "apiKey",
    in: "cookie",
    name: SESSION_COOKIE,
    description:
      "A dashboard sign-in (`POST /v1/dashboard/session`). Every call that is not a GET also needs the `X-CSRF-Token` header with the session's `csrfToken` (else 403). Dashboard users reach the other routes with it too, within their role's scopes.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "UserToken", {
    type: "http",
    scheme: "bearer",
    description:
      "An end user's token (`GET /v1/users/{userId}/token`): opens only that user's inbox and preferences. Also accepted as `?token=` on the inbox's GET requests (EventSource cannot set headers).",
  });
  // Made once, on first request: every route is registered by then.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get("/openapi.json", (c) => {
    document ??= describeResponseHeaders(
      fitErrorResponses(
        app.getOpenAPI31Document({
          openapi: "3.1.0",
          info: {
            title: "Herald API",
            version: "1.0.0",
            description:
              "Self-hosted notifications: trigger events, manage recipients and preferences, track delivery.",
          },
          security: [{ ApiKey: [] }],
        }),
      ),
    );
    return c.json(document);
  });
  registerBullBoard(app, deps);
  registerDashboard(app, deps.env.DASHBOARD_DIR);
  return app;
}
