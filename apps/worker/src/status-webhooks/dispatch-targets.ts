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
 * `webhook_endpoints`. A failed read keeps the last list.
 */
export function watchDispatchTargets(deps: WorkerDeps, stopped: Promise<void>): DispatchTargets {
  const env = deps.env.statusWebhooks;
  const fromEnv: DispatchTarget[] = env.url
    ? [{ id: ENV_WEBHOOK_ENDPOINT_ID, url: env.url, keys: env.secret ? [env.secret] : null }]
    : [];
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
        own.push({ id: r.id, url: r.url, keys: r.secrets.map(parseWebhookSecret) });
      } catch (err) {
        // The API only stores secrets it made; a hand-edited row is skipped, not sent unsigned.
        deps.logger.error(
          { endpoint: r.id, err: (err as Error).message },
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
