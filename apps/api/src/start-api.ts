import type { AddressInfo } from "node:net";
import { listenProblem } from "@herald/config";
import {
  type BootstrapKeyResult,
  ensureBootstrapKey,
  ensureDashboardAdmin,
  migrateWhenReachable,
  whenDatabaseReachable,
} from "@herald/db";
import { createLogger, type Logger } from "@herald/logger";
import { serve } from "@hono/node-server";
import { createApp } from "./app.ts";
import { type ApiDeps, createApiDeps } from "./deps.ts";
import type { ApiEnv } from "./env.ts";

export interface RunningApi {
  port: number;
  url: string;
  deps: ApiDeps;
  /** Stops accepting connections, lets in-flight requests finish, closes pools. */
  close(): Promise<void>;
}

/** The API could not listen on `HOST`:`PORT`: a configuration problem, not a crash to restart from. */
export class ListenError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = "ListenError";
  }
}

function listenError(err: NodeJS.ErrnoException, env: ApiEnv): Error {
  const problem = listenProblem(err, {
    what: "herald api",
    host: env.HOST,
    port: env.PORT,
    portVar: "PORT",
    hostVar: "HOST",
  });
  return problem ? new ListenError(problem, { cause: err }) : err;
}

/** Says what `HERALD_API_KEY` did at start-up: earlier bootstrap keys revoked, or the key itself revoked. */
function reportBootstrapKey(result: BootstrapKeyResult, logger: Logger): void {
  for (const key of result.revoked) {
    logger.warn(
      { keyId: key.id, prefix: key.prefix, lastFour: key.lastFour },
      `HERALD_API_KEY changed: revoked the earlier bootstrap key ${key.prefix}…${key.lastFour}`,
    );
  }
  if (result.row.revokedAt) {
    logger.warn(
      { keyId: result.row.id, prefix: result.row.prefix },
      "HERALD_API_KEY names a revoked key: it does not work; set a new one",
    );
  }
}

export async function startApi(
  env: ApiEnv,
  logger: Logger = createLogger({ base: { app: "api" } }),
): Promise<RunningApi> {
  // Started before PostgreSQL accepts connections (compose, a reboot, a failover), the API
  // waits for it as the worker does, rather than exiting for good.
  if (env.MIGRATE_ON_START) await migrateWhenReachable(env.DATABASE_URL, logger);
  const deps = createApiDeps(env, logger);
  // Also without MIGRATE_ON_START: these are the API's first queries.
  await whenDatabaseReachable(async () => {
    if (env.HERALD_API_KEY) reportBootstrapKey(await ensureBootstrapKey(deps.db, env.HERALD_API_KEY), logger);
    if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD)
      await ensureDashboardAdmin(deps.db, env.ADMIN_EMAIL, env.ADMIN_PASSWORD);
  }, logger);
  const app = createApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => resolve(s));
    s.once("error", reject);
  }).catch(async (err: NodeJS.ErrnoException) => {
    await deps.close(); // the pools would keep the process alive
    throw listenError(err, env);
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, "api listening");
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    deps,
    async close() {
      deps.lifecycle.closing = true;
      // Still serving, and saying so on /readyz, until the load balancer has taken this process out.
      if (env.SHUTDOWN_DRAIN_MS > 0) {
        logger.info({ drainMs: env.SHUTDOWN_DRAIN_MS }, "draining: /readyz answers 503, still serving");
        await new Promise((r) => setTimeout(r, env.SHUTDOWN_DRAIN_MS));
      }
      // Open inbox streams would hold the server open forever; end them (browsers reconnect elsewhere).
      deps.inboxHub.shutdown();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Their connections go idle only after close() began; keep closing idle ones until done.
        const sweep = setInterval(
          () => (server as { closeIdleConnections?: () => void }).closeIdleConnections?.(),
          50,
        );
        sweep.unref();
        server.once("close", () => clearInterval(sweep));
      });
      await deps.close();
    },
  };
}
