import { within } from "@herald/config";
import { schemaCheck } from "@herald/db";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { REDIS_OFFLINE } from "../on-error.ts";

const Check = z.object({ ok: z.boolean(), error: z.string().optional(), latencyMs: z.number() });
const Ready = z
  .object({
    status: z.enum(["ready", "unavailable"]),
    shuttingDown: z.boolean().optional().openapi({ description: "This process is stopping" }),
    checks: z.object({ postgres: Check, redis: Check }),
  })
  .openapi("Readiness", {
    example: {
      status: "ready",
      checks: { postgres: { ok: true, latencyMs: 1 }, redis: { ok: true, latencyMs: 0 } },
    },
  });

const healthz = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["Ops"],
  summary: "Liveness: the process answers",
  security: [],
  responses: {
    200: {
      description: "Alive",
      content: {
        "application/json": {
          schema: z.object({ status: z.literal("ok") }).openapi({ example: { status: "ok" } }),
        },
      },
    },
  },
});

const readyz = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["Ops"],
  summary: "Readiness: PostgreSQL (with every migration applied) and Redis answer",
  security: [],
  responses: {
    200: { description: "Ready", content: { "application/json": { schema: Ready } } },
    503: { description: "A dependency is down", content: { "application/json": { schema: Ready } } },
  },
});

async function check(fn: () => Promise<unknown>) {
  const started = performance.now();
  try {
    await within(fn(), 2000);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    const message = (err as Error).message;
    const error = REDIS_OFFLINE.test(message) ? "unreachable (the client is reconnecting)" : message;
    return { ok: false, error, latencyMs: Math.round(performance.now() - started) };
  }
}

export function registerHealth(app: App, deps: ApiDeps): void {
  const schema = schemaCheck(deps.dbHandle.sql);
  app.openapi(healthz, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(readyz, async (c) => {
    const [postgres, redis] = await Promise.all([
      // Reachable is not enough: with MIGRATE_ON_START=false a schema behind the code fails requests.
      check(async () => {
        await deps.dbHandle.sql`select 1`;
        const behind = await schema();
        if (behind) throw new Error(behind);
      }),
      check(() => deps.redis.ping()),
    ]);
    // Shutting down: a load balancer stops sending here while in-flight requests finish.
    const ok = postgres.ok && redis.ok && !deps.lifecycle.closing;
    return c.json(
      {
        status: ok ? ("ready" as const) : ("unavailable" as const),
        ...(deps.lifecycle.closing ? { shuttingDown: true } : {}),
        checks: { postgres, redis },
      },
      ok ? 200 : 503,
    );
  });
}
