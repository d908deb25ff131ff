import { fileURLToPath } from "node:url";
import {
  booleanFlag,
  optInEnvShape,
  parseEnv,
  portNumber,
  redisEnvShape,
  refineRedisEnv,
  requiredInProduction,
} from "@herald/config";
import { DEFAULT_PLAN_CACHE_MODE, PLAN_CACHE_MODES } from "@herald/db";
import { resolveTrackingSecret } from "@herald/tracking";
import { z } from "zod";
import { cookieSecure, dashboardEnvShape } from "./env-dashboard.ts";
import { inboxEnvShape } from "./env-inbox.ts";
import { trackingEnvFragment } from "./env-tracking.ts";
import { securityEnv } from "./security-env.ts";

const baseSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** HTTP port. */
  PORT: portNumber(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().startsWith("postgres", "must be a postgres:// URL"),
  /** Prefix of every BullMQ key; lets several Heralds (or test runs) share one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.{}-]+$/)
    .default("herald"),
  /** Bootstrap admin API key, upserted (hashed) at start-up. */
  HERALD_API_KEY: z.string().min(20, "must be at least 20 characters").optional(),
  /** How browsers and providers reach this API (tracking links, webhooks, unsubscribe). */
  PUBLIC_URL: z.url().optional(),
  /** Largest accepted request body, in bytes (the batch routes, events and users: ×8). */
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
  /** Run migrations at start-up. */
  MIGRATE_ON_START: booleanFlag(true),
  /**
   * After SIGTERM, how long the API keeps serving (with `/readyz` answering
   * 503 and every response saying `Connection: close`) before it stops
   * listening: the time a load balancer or Kubernetes needs to stop sending it
   * new connections, which would otherwise be refused during a rolling
   * deploy. Default 0 (stop listening at once), right for `npm start`; 5–10 s
   * behind a load balancer that polls `/readyz`.
   */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(120_000).default(0),
  /**
   * Connections in the API's Postgres pool. Default 4: on a database with
   * few cores, fewer connections kept latency lower (postgres.js pipelines
   * statements on busy connections); see the worker's `DATABASE_POOL_SIZE`.
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(4),
  /** PostgreSQL `plan_cache_mode` of the pool (see `createDb`): `auto` unless set. */
  DATABASE_PLAN_CACHE_MODE: z.enum(PLAN_CACHE_MODES).default(DEFAULT_PLAN_CACHE_MODE),
  /** The built dashboard served at `/`. */
  DASHBOARD_DIR: z.string().default(fileURLToPath(new URL("../../dashboard/dist", import.meta.url))),
  /** Product name on the unsubscribe pages (the workers use it in templates). */
  BRAND_NAME: z.string().default("Herald"),
  /**
   * Accept web push endpoints whose host is a loopback, private, link-local
   * or other non-public IP address, or `localhost`. Default false: the worker
   * POSTs to whatever endpoint a device registration gives, so it must not be
   * pointed into your own network (SSRF). Set it (and the worker's) only when
   * your push service is on a private network, or for tests on loopback.
   */
  PUSH_ALLOW_PRIVATE_ENDPOINTS: booleanFlag(false),
  /**
   * Webhook endpoints on loopback, private and other non-public hosts (for a
   * receiver on your own network, tests). Default false: create, update and
   * test ping refuse such URLs (422), and the test ping connects only to the
   * public addresses its host resolves to. The workers have a setting of the
   * same name for their POSTs: set both.
   */
  WEBHOOK_ALLOW_PRIVATE_ENDPOINTS: booleanFlag(false),
  /** HMAC secret of unsubscribe links (the workers sign with the same one). Required in production. */
  UNSUBSCRIBE_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
});

const refineProduction = (
  e: {
    NODE_ENV: string;
    ADMIN_EMAIL?: string | undefined;
    ADMIN_PASSWORD?: string | undefined;
  },
  ctx: z.RefinementCtx,
) => {
  if (Boolean(e.ADMIN_EMAIL) !== Boolean(e.ADMIN_PASSWORD)) {
    ctx.addIssue({
      code: "custom",
      path: [e.ADMIN_EMAIL ? "ADMIN_PASSWORD" : "ADMIN_EMAIL"],
      message: "ADMIN_EMAIL and ADMIN_PASSWORD go together",
    });
  }
};

const schema = baseSchema
  .extend(redisEnvShape)
  .extend(inboxEnvShape)
  .extend(trackingEnvFragment)
  .extend(securityEnv)
  .extend(dashboardEnvShape)
  // Routing reads them in the workers; the API shows them with preferences, so UIs show unset opt-ins as off.
  .extend(optInEnvShape)
  .superRefine(refineProduction)
  .superRefine(
    requiredInProduction({
      UNSUBSCRIBE_SECRET: "the workers need the same value",
      TRACKING_SECRET: "at least 32 characters; the workers need the same value",
      PUBLIC_URL:
        "how providers, browsers and mail clients reach the API: Twilio callbacks, tracking and unsubscribe links; its default is localhost",
    }),
  )
  .superRefine(refineRedisEnv);

export type ApiEnv = Omit<z.infer<typeof schema>, "DASHBOARD_COOKIE_SECURE"> & {
  PUBLIC_URL: string;
  TRACKING_SECRET: string;
  /** Resolved: whether the dashboard session cookie is `Secure`. */
  DASHBOARD_COOKIE_SECURE: boolean;
};

export function loadApiEnv(source: Record<string, string | undefined> = process.env): ApiEnv {
  const env = parseEnv(schema, source, "herald api");
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");
  return {
    ...env,
    PUBLIC_URL: publicUrl,
    DASHBOARD_COOKIE_SECURE: cookieSecure(env.DASHBOARD_COOKIE_SECURE, publicUrl, env.NODE_ENV),
    TRACKING_SECRET: resolveTrackingSecret(env.NODE_ENV, env.TRACKING_SECRET),
  };
}
