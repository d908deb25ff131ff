import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  ENV_WEBHOOK_ENDPOINT_ID,
  getWebhookEndpoint,
  rotateWebhookEndpointSecret,
  statusWebhookBacklog,
  updateWebhookEndpoint,
  type WebhookEndpointRow,
} from "@herald/db";
import { HeraldError } from "@herald/errors";
import { newWebhookSecret } from "@herald/webhook-signing";
import { createRoute, type z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ApiDeps } from "../deps.ts";
import type { App, HonoEnv } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { noteAudit, pathTarget, validated } from "../middleware/audited.ts";
import { commonErrors, conflictError, jsonResponse, notFoundError } from "../schemas/common.ts";
import {
  CreatedWebhookEndpointSchema,
  NewWebhookEndpointSchema,
  WebhookEndpointIdParam,
  WebhookEndpointListSchema,
  WebhookEndpointPatchSchema,
  WebhookEndpointSchema,
  WebhookTestResultSchema,
} from "../schemas/webhook-endpoint.ts";
import { refuseNonPublicUrl } from "../services/public-url.ts";
import { endpointView, envEndpointView, listEndpointViews } from "../services/webhook-endpoint-view.ts";
import { pingWebhookEndpoint } from "../services/webhook-ping.ts";

const tags = ["Webhook endpoints"];
const params = { params: WebhookEndpointIdParam };
const body = <T>(schema: T, required = true) => ({
  required,
  content: { "application/json": { schema } },
});

const list = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints",
  tags,
  summary: "List status webhook endpoints, with their backlog and health",
  description:
    "Newest first; STATUS_WEBHOOK_URL (set in the workers' environment) first, as the read-only `whe_env`, while " +
    "it is set or changes recorded for it wait. Secrets are never listed. Admin only.",
  middleware: [requireScope("admin")] as const,
  responses: { 200: jsonResponse(WebhookEndpointListSchema, "The endpoints"), ...commonErrors },
});

const create = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints",
  tags,
  summary: "Add a status webhook endpoint",
  description:
    "Changes of the statuses it names are recorded for it from the next write on, and running workers start " +
    "POSTing them within a few seconds, signed with its own secret (returned here, once). Each endpoint has its " +
    "own batches and retries: one that fails holds back no other. Admin only.",
  middleware: [requireScope("admin")] as const,
  request: { body: body(NewWebhookEndpointSchema) },
  responses: {
    201: jsonResponse(CreatedWebhookEndpointSchema, "The endpoint, with its secret"),
    ...commonErrors,
  },
});

const getOne = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{endpointId}",
  tags,
  summary: "One status webhook endpoint, with its backlog and health",
  middleware: [requireScope("admin")] as const,
  request: params,
  responses: { 200: jsonResponse(WebhookEndpointSchema, "The endpoint"), ...commonErrors, ...notFoundError },
});

const update = createRoute({
  method: "patch",
  path: "/v1/webhook-endpoints/{endpointId}",
  tags,
  summary: "Change an endpoint's URL, description, statuses or enabled",
  description:
    "Takes effect for the next writes (statuses) and within a few seconds in running workers (URL, enabled). " +
    "Disabled: nothing more is recorded or sent for it; changes already waiting are kept (until " +
    "STATUS_WEBHOOK_MAX_AGE) and go out if it is enabled again. `whe_env` answers 409: change the workers' env.",
  middleware: [requireScope("admin")] as const,
  request: { ...params, body: body(WebhookEndpointPatchSchema) },
  responses: {
    200: jsonResponse(WebhookEndpointSchema, "The endpoint"),
    ...commonErrors,
    ...notFoundError,
    ...conflictError,
  },
});

const remove = createRoute({
  method: "delete",
  path: "/v1/webhook-endpoints/{endpointId}",
  tags,
  summary: "Delete an endpoint and the changes waiting for it",
  description:
    "Recording for it stops at once, and nothing more is sent to it (a POST under way finishes). Its batches and " +
    "up to 5,000 of its waiting changes go in this request; the workers drop the rest in the background, in " +
    "chunks, within a minute (a backlog of millions over several minutes). `whe_env` answers 409.",
  middleware: [requireScope("admin")] as const,
  request: params,
  responses: {
    200: jsonResponse(WebhookEndpointSchema, "The endpoint as it was (its backlog: what is dropped)"),
    ...commonErrors,
    ...notFoundError,
    ...conflictError,
  },
});

const rotate = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{endpointId}/rotate-secret",
  tags,
  summary: "Give an endpoint a new secret",
  description:
    "For 24 hours every POST carries two signatures in `webhook-signature` (Standard Webhooks: any one " +
    "that matches verifies), with the new and the previous secret, so the receiver can switch at its pace. " +
    "Rotating again ends the previous secret's grace at once.",
  middleware: [requireScope("admin")] as const,
  request: params,
  responses: {
    200: jsonResponse(CreatedWebhookEndpointSchema, "The endpoint, with its new secret"),
    ...commonErrors,
    ...notFoundError,
    ...conflictError,
  },
});

const test = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{endpointId}/test",
  tags,
  summary: "Send one signed ping to an endpoint and report its answer",
  description:
    'POSTs `{"type":"herald.ping","data":{"endpointId","sentAt"}}`, signed as its status webhooks are, and ' +
    "waits up to 10 s for the answer. Also for a disabled endpoint. Not recorded or retried. Unless the server " +
    "allows private endpoints (`WEBHOOK_ALLOW_PRIVATE_ENDPOINTS`), a URL refused on create is refused here too " +
    "(422), and a host resolving only to non-public addresses gets no request: `ok` false, `error` " +
    "`unreachable: <host> resolves to a non-public address (…)`.",
  middleware: [requireScope("admin")] as const,
  request: params,
  responses: {
    200: jsonResponse(WebhookTestResultSchema, "What the receiver answered, or why it did not"),
    ...commonErrors,
    ...notFoundError,
    ...conflictError,
  },
});

async function own(deps: ApiDeps, id: string, doing: string): Promise<WebhookEndpointRow> {
  if (id === ENV_WEBHOOK_ENDPOINT_ID)
    throw new HeraldError(
      "conflict",
      `whe_env is STATUS_WEBHOOK_URL, set in the workers' environment: it cannot be ${doing} here.`,
    );
  const row = await getWebhookEndpoint(deps.db, id);
  if (!row) throw new HeraldError("not_found", "No such webhook endpoint.");
  return row;
}

/** `/v1/webhook-endpoints`: status webhook endpoints managed at runtime, for admins. */
export function registerWebhookEndpoints(app: App, deps: ApiDeps): void {
  const target = pathTarget("webhook_endpoint", "endpointId");
  const publicOnly = (url: string) =>
    refuseNonPublicUrl(url, deps.env.WEBHOOK_ALLOW_PRIVATE_ENDPOINTS, "url", "must be a public address");
  const view = async (row: WebhookEndpointRow) =>
    endpointView(row, await statusWebhookBacklog(deps.db, row.id));

  app.openapi(list, async (c) => c.json({ data: await listEndpointViews(deps.db), nextCursor: null }, 200));

  const createDetails = (c: Context<HonoEnv>) => {
    const b = validated<z.infer<typeof NewWebhookEndpointSchema>>(c);
    // Not the URL: it may carry a token.
    return { statuses: b.statuses, enabled: b.enabled };
  };
  app.openapi(deps.audit.route(create, "webhook_endpoint.create", { details: createDetails }), async (c) => {
    const b = c.req.valid("json");
    publicOnly(b.url);
    const row = await createWebhookEndpoint(deps.db, { ...b, secret: newWebhookSecret() });
    noteAudit(c, { target: { type: "webhook_endpoint", id: row.id } });
    deps.logger.info({ endpointId: row.id, by: c.get("apiKey").id }, "webhook endpoint created");
    return c.json({ ...(await view(row)), secret: row.secret }, 201);
  });

  app.openapi(getOne, async (c) => {
    const { endpointId } = c.req.valid("param");
    if (endpointId === ENV_WEBHOOK_ENDPOINT_ID) {
      const env = await envEndpointView(deps.db);
      if (!env) throw new HeraldError("not_found", "STATUS_WEBHOOK_URL is not set and nothing waits for it.");
      return c.json(env, 200);
    }
    const row = await getWebhookEndpoint(deps.db, endpointId);
    if (!row) throw new HeraldError("not_found", "No such webhook endpoint.");
    return c.json(await view(row), 200);
  });

  const changed = (c: Context<HonoEnv>) => {
    const p = validated<z.infer<typeof WebhookEndpointPatchSchema>>(c);
    return {
      changed: Object.keys(p),
      ...(p.statuses ? { statuses: p.statuses } : {}),
      ...(p.enabled !== undefined ? { enabled: p.enabled } : {}),
    };
  };
  app.openapi(
    deps.audit.route(update, "webhook_endpoint.update", { target, details: changed }),
    async (c) => {
      const { endpointId } = c.req.valid("param");
      await own(deps, endpointId, "changed");
      const patch = c.req.valid("json");
      if (patch.url) publicOnly(patch.url);
      const row = await updateWebhookEndpoint(deps.db, endpointId, patch);
      if (!row) throw new HeraldError("not_found", "No such webhook endpoint.");
      return c.json(await view(row), 200);
    },
  );

  app.openapi(deps.audit.route(remove, "webhook_endpoint.delete", { target }), async (c) => {
    const { endpointId } = c.req.valid("param");
    // The view first: after the delete there is no backlog left to show.
    const shown = await view(await own(deps, endpointId, "deleted"));
    const done = await deleteWebhookEndpoint(deps.db, endpointId);
    if (!done) throw new HeraldError("not_found", "No such webhook endpoint.");
    // droppedChanges: by this request; pendingDrop: more waited, left to the workers' sweep.
    const dropped = { droppedChanges: done.droppedChanges, pendingDrop: done.pendingDrop };
    noteAudit(c, { details: dropped });
    deps.logger.info({ endpointId, ...dropped, by: c.get("apiKey").id }, "webhook endpoint deleted");
    return c.json(shown, 200);
  });

  app.openapi(deps.audit.route(rotate, "webhook_endpoint.rotate_secret", { target }), async (c) => {
    const { endpointId } = c.req.valid("param");
    await own(deps, endpointId, "rotated");
    const row = await rotateWebhookEndpointSecret(deps.db, endpointId, newWebhookSecret());
    if (!row) throw new HeraldError("not_found", "No such webhook endpoint.");
    deps.logger.info({ endpointId, by: c.get("apiKey").id }, "webhook endpoint secret rotated");
    return c.json({ ...(await view(row)), secret: row.secret }, 200);
  });

  app.openapi(deps.audit.route(test, "webhook_endpoint.test", { target }), async (c) => {
    const { endpointId } = c.req.valid("param");
    const row = await own(deps, endpointId, "tested");
    // Stored while the switch was on, perhaps: the ping would report what a private service answers.
    // The URL's text first (a 422 that says why); then the address its host resolves to, as it connects.
    publicOnly(row.url);
    const result = await pingWebhookEndpoint(row, {
      allowPrivate: deps.env.WEBHOOK_ALLOW_PRIVATE_ENDPOINTS,
      resolve: deps.webhookResolve,
    });
    noteAudit(c, { details: { ok: result.ok, status: result.status } });
    return c.json(result, 200);
  });
}
