import { fileURLToPath } from "node:url";
import { booleanFlag, parseEnv, portNumber } from "@herald/config";
import { z } from "zod";
import { securityEnv } from "./security-env.ts";

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /** HTTP port. */
    PORT: portNumber(3000),
    HOST: z.string().default("0.0.0.0"),
    DATABASE_URL: z.string().startsWith("postgres", "must be a postgres:// URL"),
    REDIS_URL: z.string().startsWith("redis", "must be a redis:// or rediss:// URL"),
    /** Prefix of every BullMQ key; lets several Heralds (or test runs) share one Redis. */
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.{}-]+$/)
      .default("herald"),
    /** Bootstrap admin API key, upserted (hashed) at start-up. */
    HERALD_API_KEY: z.string().min(20, "must be at least 20 characters").optional(),
    /** How browsers and providers reach this API (tracking links, webhooks, unsubscribe). */
    PUBLIC_URL: z.url().optional(),
    /** Largest accepted request body, in bytes (batch route: ×8). */
    MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
    /** Run migrations at start-up. */
    MIGRATE_ON_START: booleanFlag(true),
    /** Connections in the API's Postgres pool. */
    DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
    /** The built dashboard served at `/`. */
    DASHBOARD_DIR: z.string().default(fileURLToPath(new URL("../../dashboard/dist", import.meta.url))),
  })
  .extend(securityEnv);

export type ApiEnv = z.infer<typeof schema> & { PUBLIC_URL: string };

export function loadApiEnv(source: Record<string, string | undefined> = process.env): ApiEnv {
  const env = parseEnv(schema, source, "herald api");
  return { ...env, PUBLIC_URL: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "") };
}
