import type { Db } from "@herald/db";
import {
  ENV_WEBHOOK_ENDPOINT_ID,
  getEnvWebhookEndpoint,
  listWebhookEndpoints,
  type StatusWebhookBacklog,
  statusWebhookBacklog,
  type WebhookEndpointRow,
} from "@herald/db";
import type { z } from "@hono/zod-openapi";
import type { WebhookEndpointSchema } from "../schemas/webhook-endpoint.ts";
import { oldestAgeSeconds } from "./status-webhook-metrics.ts";

export type WebhookEndpointView = z.infer<typeof WebhookEndpointSchema>;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function backlogPart(b: StatusWebhookBacklog) {
  return {
    waiting: b.waiting,
    waitingEstimated: b.waitingEstimated,
    oldestAt: iso(b.oldestAt),
    oldestAgeSeconds: oldestAgeSeconds(b),
    nextAttemptAt: iso(b.retrying?.nextAttemptAt),
  };
}

/** An endpoint of `webhook_endpoints` with its backlog: never its secret. */
export function endpointView(row: WebhookEndpointRow, backlog: StatusWebhookBacklog): WebhookEndpointView {
  return {
    id: row.id,
    source: "api",
    url: row.url,
    description: row.description,
    statuses: row.statuses,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    previousSecretValidUntil:
      row.previousSecretUntil && row.previousSecretUntil > backlog.at
        ? row.previousSecretUntil.toISOString()
        : null,
    delivery: {
      ...backlogPart(backlog),
      lastSuccessAt: iso(row.lastSuccessAt),
      failingSince: iso(row.failingSince),
      lastError: row.lastError,
      failedAttempts: row.failedAttempts,
      rejectedChanges: row.rejectedChanges,
      lastRejection: row.lastRejection,
      lastRejectedAt: iso(row.lastRejectedAt),
    },
  };
}

/**
 * STATUS_WEBHOOK_URL as a read-only endpoint (`whe_env`): listed while it is
 * on, or while changes recorded for it wait. Its health comes from the batch
 * being retried (the workers keep no row for it).
 */
export async function envEndpointView(
  db: Db,
  envBacklog?: Promise<StatusWebhookBacklog>,
): Promise<WebhookEndpointView | null> {
  const [env, backlog] = await Promise.all([
    getEnvWebhookEndpoint(db),
    envBacklog ?? statusWebhookBacklog(db),
  ]);
  if (!env && backlog.waiting === 0) return null;
  const r = backlog.retrying;
  const at = (env?.createdAt ?? backlog.at).toISOString();
  return {
    id: ENV_WEBHOOK_ENDPOINT_ID,
    source: "env",
    url: env?.origin ?? "",
    description: env
      ? "STATUS_WEBHOOK_URL (set in the workers' environment)"
      : "STATUS_WEBHOOK_URL, now unset: changes recorded for it wait until it is set again",
    statuses: env?.statuses ?? [],
    enabled: env !== null,
    createdAt: at,
    updatedAt: (env?.updatedAt ?? backlog.at).toISOString(),
    previousSecretValidUntil: null,
    delivery: {
      ...backlogPart(backlog),
      lastSuccessAt: null,
      failingSince: iso(r?.since),
      lastError: r?.lastError ?? null,
      failedAttempts: r?.attempts ?? 0,
      rejectedChanges: 0,
      lastRejection: null,
      lastRejectedAt: null,
    },
  };
}

/**
 * Every endpoint with its backlog and health: STATUS_WEBHOOK_URL's (`whe_env`)
 * first while listed, then those of `webhook_endpoints`. `envBacklog`: its
 * backlog when the caller reads it anyway (the Overview), so it is read once.
 */
export async function listEndpointViews(
  db: Db,
  envBacklog?: Promise<StatusWebhookBacklog>,
): Promise<WebhookEndpointView[]> {
  const [env, rows] = await Promise.all([envEndpointView(db, envBacklog), listWebhookEndpoints(db)]);
  const views = await Promise.all(
    rows.map(async (row) => endpointView(row, await statusWebhookBacklog(db, row.id))),
  );
  return env ? [env, ...views] : views;
}
