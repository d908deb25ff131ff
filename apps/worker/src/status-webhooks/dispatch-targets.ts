import { ENV_WEBHOOK_ENDPOINT_ID, listDeliverableEndpoints } from "@herald/db";
import { parseWebhookSecret } from "@herald/webhook-signing";
import type { WorkerDeps } from "../deps.ts";

/**
 * How often a dispatcher re-reads the endpoints: an endpoint added, changed,
 * disabled or rotated through the API is served within this (plus a poll).
 */
export const ENDPOINT_REFRESH_MS = 2000;

/** Where a dispatcher POSTs one endpoint's batches. */
export interface DispatchTarget {
  /** `whe_…`; `whe_env` for STATUS_WEBHOOK_URL. */
  id: string;
  url: string;
  /** Key bytes to sign with (two while a rotated secret's grace period lasts); null: unsigned. */
  keys: Buffer[] | null;
  /** POSTs connect to public addresses only (`postSignedWebhook`'s `publicOnly`). */
  publicOnly: boolean;
}

export interface DispatchTargets {
  /** The endpoints as last read (STATUS_WEBHOOK_URL's first when set). */
  current(): DispatchTarget[];
  /** Settles once `stopped` has and the refresh loop ended. */
  done: Promise<void>;
}

/**
 * The endpoints this process delivers to, re-read every
 * `ENDPOINT_REFRESH_MS`: STATUS_WEBHOOK_URL (from the env) and the enabled
 * `webhook_endpoints`, the latter public-only unless
 * `WEBHOOK_ALLOW_PRIVATE_ENDPOINTS`. A failed read keeps the last list.
 */
export function watchDispatchTargets(deps: WorkerDeps, stopped: Promise<void>): DispatchTargets {
  const env = deps.env.statusWebhooks;
  // STATUS_WEBHOOK_URL is the operator's own configuration, as the database and Redis URLs are:
  // trusted wherever it points (often a receiver on the same network), so not checked.
  const fromEnv: DispatchTarget[] = env.url
    ? [
        {
          id: ENV_WEBHOOK_ENDPOINT_ID,
          url: env.url,
          keys: env.secret,
          publicOnly: false,
        },
      ]
    : [];
  // The table's URLs were chosen through the API (an admin key, a dashboard admin): public addresses only.
  const publicOnly = !env.allowPrivateEndpoints;
  let list: DispatchTarget[] = fromEnv;
  let stopping = false;
  void stopped.then(() => {
    stopping = true;
  });

  const refresh = async () => {
    const rows = await listDeliverableEndpoints(deps.db);
    const own: DispatchTarget[] = [];
    for (const r of rows) {
      try {
        own.push({ id: r.id, url: r.url, keys: r.secrets.map(parseWebhookSecret), publicOnly });
      } catch (err) {
        // The API only stores secrets it made; a hand-edited row is skipped, not sent unsigned.
        deps.logger.error(
          { endpointId: r.id, err: (err as Error).message },
          "status webhooks: endpoint secret unusable",
        );
      }
    }
    list = [...fromEnv, ...own];
  };

  const done = (async () => {
    while (!stopping) {
      await refresh().catch((err: Error) =>
        deps.logger.warn(
          { err: err.message },
          "status webhooks: could not read the endpoints; keeping the last list",
        ),
      );
      await Promise.race([new Promise<void>((r) => setTimeout(r, ENDPOINT_REFRESH_MS).unref()), stopped]);
    }
  })();

  return { current: () => list, done };
}
