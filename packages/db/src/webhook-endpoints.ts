import type { NotificationStatus } from "@herald/domain";
import { newId } from "@herald/ids";
import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { pg } from "./raw.ts";
import { webhookEndpoints } from "./schema/index.ts";

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

/** How long the secret before a rotation still signs: receivers have this long to switch. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3_600_000;
/** Longest `last_error` kept, as on the batches. */
const ENDPOINT_ERROR_MAX = 300;

export interface NewWebhookEndpoint {
  url: string;
  description?: string;
  statuses: readonly NotificationStatus[];
  enabled?: boolean;
  /** `whsec_…`, made by the caller (the API) so this package needs no secret format. */
  secret: string;
}

/**
 * Adds an endpoint. Its changes are recorded from the next statement that
 * commits after this one (the `webhook_endpoints` trigger rewrites the
 * setting the `notifications` triggers read, in this transaction).
 */
export async function createWebhookEndpoint(db: Db, input: NewWebhookEndpoint): Promise<WebhookEndpointRow> {
  const [row] = await db
    .insert(webhookEndpoints)
    .values({
      id: newId("whe"),
      url: input.url,
      description: input.description ?? "",
      statuses: [...input.statuses],
      enabled: input.enabled ?? true,
      secret: input.secret,
    })
    .returning();
  return row!;
}

/** Every endpoint, newest first (a deployment has a handful). */
export async function listWebhookEndpoints(db: Db): Promise<WebhookEndpointRow[]> {
  return db
    .select()
    .from(webhookEndpoints)
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
}

export async function getWebhookEndpoint(db: Db, id: string): Promise<WebhookEndpointRow | null> {
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return row ?? null;
}

export interface WebhookEndpointPatch {
  url?: string;
  description?: string;
  statuses?: readonly NotificationStatus[];
  enabled?: boolean;
}

/** Changes what is given; null when there is no such endpoint. */
export async function updateWebhookEndpoint(
  db: Db,
  id: string,
  patch: WebhookEndpointPatch,
): Promise<WebhookEndpointRow | null> {
  const [row] = await db
    .update(webhookEndpoints)
    .set({
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.statuses !== undefined ? { statuses: [...patch.statuses] } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(webhookEndpoints.id, id))
    .returning();
  return row ?? null;
}

/** Most waiting changes `deleteWebhookEndpoint` drops itself; the workers' sweep drops the rest. */
export const DELETE_ENDPOINT_CHANGES_MAX = 5000;

export interface DeletedWebhookEndpoint {
  row: WebhookEndpointRow;
  /** Changes dropped with it (at most the `changeLimit`). */
  droppedChanges: number;
  /**
   * More changes waited than that: the dispatchers' sweep
   * (`sweepOrphanedStatusChanges`, every minute) drops the rest in chunks.
   */
  pendingDrop: boolean;
}

/**
 * Deletes an endpoint with its batches and up to `changeLimit` (default
 * `DELETE_ENDPOINT_CHANGES_MAX`) of the changes waiting for it, in one
 * statement: recording for it stops as this commits. Bounded, so a backlog
 * of millions (an endpoint failing for a day) costs this call no more than a
 * small one; the rest no longer reach anyone (claims need the endpoint's row)
 * and the workers' sweep drops them. A dispatcher POSTing one of its batches
 * right now finishes that POST and finds nothing to record. Null when there
 * is no such endpoint.
 */
export async function deleteWebhookEndpoint(
  db: Db,
  id: string,
  changeLimit: number = DELETE_ENDPOINT_CHANGES_MAX,
): Promise<DeletedWebhookEndpoint | null> {
  const row = await getWebhookEndpoint(db, id);
  if (!row) return null;
  // One statement, so one transaction. One candidate past the limit tells whether any are left for the sweep.
  const [done] = await pg(db)<{ gone: number; n: number; more: boolean }[]>`
    with gone as (delete from webhook_endpoints where id = ${id} returning id),
      cand as (
        select id from status_webhook_changes where endpoint_id = ${id} order by id limit ${changeLimit + 1}),
      changes as (
        delete from status_webhook_changes
        where id in (select id from cand order by id limit ${changeLimit}) returning 1),
      batches as (delete from status_webhook_batches where endpoint_id = ${id})
    select (select count(*)::int from gone) as gone, (select count(*)::int from changes) as n,
      (select count(*) from cand) > ${changeLimit} as more`;
  if (!done?.gone) return null;
  return { row, droppedChanges: done.n, pendingDrop: done.more };
}

/**
 * A new secret for the endpoint; the current one becomes the previous one and
 * still signs (a second signature on every POST) for `graceMs`. Null when
 * there is no such endpoint.
 */
export async function rotateWebhookEndpointSecret(
  db: Db,
  id: string,
  secret: string,
  graceMs: number = PREVIOUS_SECRET_GRACE_MS,
): Promise<WebhookEndpointRow | null> {
  const [row] = await pg(db)<{ id: string }[]>`
    update webhook_endpoints set previous_secret = secret, secret = ${secret},
      previous_secret_until = now() + ${`${graceMs} milliseconds`}::interval, updated_at = now()
    where id = ${id} returning id`;
  return row ? getWebhookEndpoint(db, row.id) : null;
}

/** An endpoint as the dispatchers need it: where, and the secrets to sign with now. */
export interface DeliverableEndpoint {
  id: string;
  url: string;
  /** The current secret first, then the previous one while its grace period lasts. */
  secrets: string[];
}

/**
 * The secrets that sign a POST to `endpoint` at `atMs`: the current one
 * first, then the previous one while its grace period lasts. The dispatchers
 * and the API's test ping both sign with these.
 */
export function signingSecrets(
  endpoint: Pick<WebhookEndpointRow, "secret" | "previousSecret" | "previousSecretUntil">,
  atMs: number,
): string[] {
  const { secret, previousSecret, previousSecretUntil } = endpoint;
  return previousSecret && previousSecretUntil && previousSecretUntil.getTime() > atMs
    ? [secret, previousSecret]
    : [secret];
}

/** The enabled endpoints, with the secrets that sign right now. */
export async function listDeliverableEndpoints(db: Db, now = Date.now): Promise<DeliverableEndpoint[]> {
  const rows = await pg(db)<
    {
      id: string;
      url: string;
      secret: string;
      previous_secret: string | null;
      previous_until_ms: number | null;
    }[]
  >`
    select id, url, secret, previous_secret,
      (extract(epoch from previous_secret_until) * 1000)::float8 as previous_until_ms
    from webhook_endpoints where enabled order by id`;
  const at = now();
  return rows.map((r) => ({
    id: r.id,
    url: r.url,
    secrets: signingSecrets(
      {
        secret: r.secret,
        previousSecret: r.previous_secret,
        previousSecretUntil: r.previous_until_ms === null ? null : new Date(r.previous_until_ms),
      },
      at,
    ),
  }));
}

/** A POST to endpoint `id` was answered 2xx: it is healthy. */
export async function recordEndpointSuccess(db: Db, id: string): Promise<void> {
  await pg(db)`
    update webhook_endpoints set last_success_at = now(), failing_since = null, last_error = null,
      failed_attempts = 0
    where id = ${id}`;
}

/** A POST to endpoint `id` failed (`answered 503`, `unreachable: …`). */
export async function recordEndpointFailure(db: Db, id: string, error: string): Promise<void> {
  await pg(db)`
    update webhook_endpoints set failing_since = coalesce(failing_since, now()),
      last_error = ${error.slice(0, ENDPOINT_ERROR_MAX)}, failed_attempts = failed_attempts + 1
    where id = ${id}`;
}

/**
 * Endpoint `id` refused a change alone (400, 413, 422) until it was dropped:
 * a failed attempt (`lastError` says `what`, until the next success), and
 * counted with `what` kept in `last_rejection`, which a success leaves as it is.
 */
export async function recordEndpointRejection(db: Db, id: string, what: string): Promise<void> {
  const text = what.slice(0, ENDPOINT_ERROR_MAX);
  await pg(db)`
    update webhook_endpoints set failing_since = coalesce(failing_since, now()), last_error = ${text},
      failed_attempts = failed_attempts + 1, rejected_changes = rejected_changes + 1,
      last_rejection = ${text}, last_rejected_at = now()
    where id = ${id}`;
}
