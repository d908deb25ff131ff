import {
  createApiKey,
  encodeCursor,
  getApiKey,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
  toPage,
} from "@herald/db";
import { HeraldError } from "@herald/errors";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ApiDeps } from "../deps.ts";
import type { App, HonoEnv } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { actorOf, noteAudit, pathTarget, validated } from "../middleware/audited.ts";
import {
  ApiKeyListSchema,
  ApiKeySchema,
  CreatedApiKeySchema,
  NewApiKeySchema,
  RotateApiKeySchema,
  serializeApiKey,
} from "../schemas/api-key.ts";
import {
  commonErrors,
  conflictError,
  IdempotencyKeyValue,
  jsonResponse,
  notFoundError,
  PageQuery,
} from "../schemas/common.ts";
import { answerOnce, type KeyRequest } from "../services/api-key-idempotency.ts";
import { createReplayCipher } from "../services/api-key-replay-cipher.ts";
import { decodeCursorOrThrow } from "../services/page-cursor.ts";

const tags = ["API keys"];
const KeyIdParam = z.object({
  keyId: z
    .string()
    .max(64)
    .openapi({ param: { name: "keyId", in: "path" }, example: "key_01jd8q3k5m6n7p8q9r0s1t2v3w" }),
});

const KeyIdempotency = z.object({
  "idempotency-key": IdempotencyKeyValue.optional().openapi({
    description:
      "Names this request: a repeat by the same caller within 24 h answers the first answer (status and body, the secret included: `Idempotent-Replayed: true`) and makes nothing; the same key with another request is a 409 `idempotency_conflict`. Only successes are kept: after a 4xx the repeat is tried afresh.",
    example: "deploy-2026-11-24-order-service",
  }),
});

const list = createRoute({
  method: "get",
  path: "/v1/api-keys",
  tags,
  summary: "List API keys (prefix and last four only)",
  description:
    "Newest first, a page at a time: `limit` 1–200 (default 50), then `cursor` = the answer's `nextCursor`.",
  middleware: [requireScope("admin")] as const,
  request: {
    query: z.object({
      ...PageQuery,
      cursor: PageQuery.cursor.openapi({ example: encodeCursor("key_01jd8q3k5m6n7p8q9r0s1t2v3w") }),
      includeRevoked: z
        .enum(["true", "false"])
        .optional()
        .openapi({ description: "Also list revoked and expired keys", example: "false" }),
    }),
  },
  responses: { 200: jsonResponse(ApiKeyListSchema, "Keys, newest first"), ...commonErrors },
});

const create = createRoute({
  method: "post",
  path: "/v1/api-keys",
  tags,
  summary: "Create an API key",
  description:
    "The answer carries the secret once; Herald stores only its SHA-256 hash. With an `Idempotency-Key`, a retry after a lost answer gets that answer again (kept 24 h, encrypted) instead of making a second key.",
  middleware: [requireScope("admin")] as const,
  request: {
    headers: KeyIdempotency,
    body: { required: true, content: { "application/json": { schema: NewApiKeySchema } } },
  },
  responses: {
    201: jsonResponse(CreatedApiKeySchema, "The new key, with its secret"),
    ...commonErrors,
    ...conflictError,
  },
});

const getOne = createRoute({
  method: "get",
  path: "/v1/api-keys/{keyId}",
  tags,
  summary: "One API key",
  middleware: [requireScope("admin")] as const,
  request: { params: KeyIdParam },
  responses: { 200: jsonResponse(ApiKeySchema, "The key"), ...commonErrors, ...notFoundError },
});

const revoke = createRoute({
  method: "delete",
  path: "/v1/api-keys/{keyId}",
  tags,
  summary: "Revoke an API key",
  description:
    "Takes effect at once in the answering process and within API_KEY_CACHE_MS (default 2 s) in every other API process.",
  middleware: [requireScope("admin")] as const,
  request: { params: KeyIdParam },
  responses: { 200: jsonResponse(ApiKeySchema, "The revoked key"), ...commonErrors, ...notFoundError },
});

const rotate = createRoute({
  method: "post",
  path: "/v1/api-keys/{keyId}/rotate",
  tags,
  summary: "Rotate an API key",
  description:
    "Issues a new secret with the same name, scopes and limit. The old key is revoked at once, or keeps working for `graceSeconds`. With an `Idempotency-Key`, a retry after a lost answer gets that answer again (kept 24 h, encrypted) instead of a 404 or 409.",
  middleware: [requireScope("admin")] as const,
  request: {
    headers: KeyIdempotency,
    params: KeyIdParam,
    body: { required: false, content: { "application/json": { schema: RotateApiKeySchema } } },
  },
  responses: {
    201: jsonResponse(CreatedApiKeySchema, "The new key, with its secret"),
    ...commonErrors,
    ...notFoundError,
    ...conflictError,
  },
});

/** Admin routes for API keys; `onChange` lets this process forget cached lookups at once. */
export function registerApiKeys(app: App, deps: ApiDeps, onChange: () => void): void {
  const key = pathTarget("api_key", "keyId");
  const cipher = createReplayCipher(deps.env.TRACKING_SECRET);
  const keyRequest = (c: Context<HonoEnv>, request: Record<string, unknown>): KeyRequest => ({
    callerId: actorOf(c)!.id,
    idempotencyKey: c.req.header("idempotency-key"),
    request,
    now: deps.clock?.() ?? new Date(),
  });
  /** A stored first answer: sent as it was, not logged or audited again, the key cache left alone. */
  const replayed = (c: Context<HonoEnv>, body: z.infer<typeof CreatedApiKeySchema>) => {
    noteAudit(c, { replay: true });
    c.header("Idempotent-Replayed", "true");
    deps.logger.info({ apiKeyId: body.id, by: c.get("apiKey").id }, "api key answer replayed");
    return c.json(body, 201);
  };
  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const beforeId = decodeCursorOrThrow(q.cursor);
    // Another list's cursor decodes too (every id has the same shape): it would page from nowhere.
    if (beforeId && !beforeId.startsWith("key_"))
      throw new HeraldError("malformed_request", "Invalid cursor: pass nextCursor from the previous page.");
    const rows = await listApiKeys(
      deps.db,
      { includeRevoked: q.includeRevoked === "true", ...(beforeId ? { beforeId } : {}) },
      q.limit + 1,
    );
    const page = toPage(rows, q.limit);
    return c.json({ data: page.data.map(serializeApiKey), nextCursor: page.nextCursor }, 200);
  });

  const details = (c: Context<HonoEnv>) => {
    const body = validated<z.infer<typeof NewApiKeySchema>>(c);
    return { name: body.name, scopes: body.scopes, environment: body.environment };
  };
  app.openapi(deps.audit.route(create, "api_key.create", { details }), async (c) => {
    const body = c.req.valid("json");
    const answer = await answerOnce(deps.db, cipher, keyRequest(c, { create: body }), async (tx) => {
      const created = await createApiKey(tx, {
        name: body.name,
        scopes: body.scopes,
        environment: body.environment,
        ...(body.expiresAt ? { expiresAt: new Date(body.expiresAt) } : {}),
        ...(body.rateLimit ? { rateLimit: body.rateLimit } : {}),
      });
      return { ...serializeApiKey(created.row), key: created.key };
    });
    if (answer.replay) return replayed(c, answer.body);
    noteAudit(c, { target: { type: "api_key", id: answer.body.id } });
    deps.logger.info({ apiKeyId: answer.body.id, by: c.get("apiKey").id }, "api key created");
    return c.json(answer.body, 201);
  });

  app.openapi(getOne, async (c) => {
    const row = await getApiKey(deps.db, c.req.valid("param").keyId);
    if (!row) throw new HeraldError("not_found", "No such API key.");
    return c.json(serializeApiKey(row), 200);
  });

  app.openapi(deps.audit.route(revoke, "api_key.revoke", { target: key }), async (c) => {
    const row = await revokeApiKey(deps.db, c.req.valid("param").keyId);
    if (!row) throw new HeraldError("not_found", "No such API key.");
    onChange();
    deps.logger.info({ apiKeyId: row.id, by: c.get("apiKey").id }, "api key revoked");
    return c.json(serializeApiKey(row), 200);
  });

  app.openapi(deps.audit.route(rotate, "api_key.rotate", { target: key }), async (c) => {
    const { keyId } = c.req.valid("param");
    const body = (c.req.valid("json") ?? {}) as { graceSeconds?: number };
    const graceSeconds = body.graceSeconds ?? 0;
    const request = keyRequest(c, { rotate: keyId, graceSeconds });
    const answer = await answerOnce(deps.db, cipher, request, async (tx) => {
      const result = await rotateApiKey(tx, keyId, { graceSeconds });
      if (result.outcome === "not_found")
        throw new HeraldError("not_found", "No such API key, or it is revoked.");
      if (result.outcome === "already_rotated")
        throw new HeraldError(
          "conflict",
          `This key was already rotated and is in its grace period; its successor is ${result.successorId}: rotate or revoke that one.`,
        );
      return { ...serializeApiKey(result.created.row), key: result.created.key };
    });
    if (answer.replay) return replayed(c, answer.body);
    onChange();
    noteAudit(c, { details: { newKeyId: answer.body.id, graceSeconds } });
    deps.logger.info(
      { apiKeyId: answer.body.id, rotatedFrom: keyId, by: c.get("apiKey").id },
      "api key rotated",
    );
    return c.json(answer.body, 201);
  });
}
