import { RATE_LIMIT_HEADERS } from "./middleware/rate-limit.ts";

/** An operation as `/openapi.json` holds it (only what this file reads). */
interface Operation {
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/** Every operation of the document with its path and method. */
function* operationsOf(document: { paths?: Record<string, unknown> }) {
  for (const [path, item] of Object.entries(document.paths ?? {}) as [string, Record<string, unknown>][]) {
    for (const method of METHODS) {
      const op = item[method] as (Operation & { security?: unknown[] }) | undefined;
      if (op?.responses) yield { path, method, op, responses: op.responses };
    }
  }
}

/**
 * Routes declare the shared error answers (`commonErrors`) whatever their
 * inputs; the document keeps only those a route's inputs make possible: a
 * 413 or 415 needs a request body, a 422 a body or a parameter to fail
 * validation. Changes `document` in place and returns it.
 */
export function fitErrorResponses<D extends { paths?: Record<string, unknown> }>(document: D): D {
  for (const { op, responses } of operationsOf(document)) {
    if (op.requestBody) continue;
    delete responses["413"];
    delete responses["415"];
    if (!op.parameters?.length) delete responses["422"];
  }
  return document;
}

interface Document {
  paths?: Record<string, unknown>;
  components?: object;
}

/** The headers Herald's answers carry, as `components.headers`. */
const HEADERS = {
  RequestId: {
    description:
      "This request's id (the caller's own `X-Request-Id` when it sent a valid one); errors repeat it",
    schema: { type: "string", example: "req_01jd8q3k5m6n7p8q9r0s1t2v3w" },
  },
  RetryAfter: {
    description: "Seconds to wait before trying again",
    schema: { type: "integer", minimum: 0, example: 5 },
  },
  RateLimitLimit: {
    description:
      "Requests allowed per window for this caller (`API_RATE_LIMIT`, `USER_RATE_LIMIT`; absent when off)",
    schema: { type: "integer", example: 6000 },
  },
  RateLimitRemaining: {
    description: "Requests left in the current window",
    schema: { type: "integer", example: 5999 },
  },
  RateLimitReset: {
    description: "Seconds until the window resets",
    schema: { type: "integer", example: 42 },
  },
  RateLimitPolicy: {
    description: "The limit and its window in seconds (IETF draft httpapi-ratelimit-headers)",
    schema: { type: "string", example: "6000;w=60" },
  },
  IdempotentReplayed: {
    description:
      "`true` when the idempotency key was seen before: the answer is the first one's, nothing new was created",
    schema: { type: "string", enum: ["true"] },
  },
  ExportDisposition: {
    description:
      "A download: `attachment`, named `herald-export-<userId>-<YYYY-MM-DD>.json` (characters other than letters, digits, `.`, `_` and `-` as `_`; the exact name in `filename*`)",
    schema: { type: "string", example: 'attachment; filename="herald-export-user_123-2026-11-25.json"' },
  },
} as const;

const ref = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` });
// Each `RateLimit-X` header's component is `RateLimitX`.
const RATE_LIMIT = Object.fromEntries(
  RATE_LIMIT_HEADERS.map((name) => [name, ref(name.replace("-", "") as keyof typeof HEADERS)]),
);

/**
 * Declares the response headers the middleware adds, which route definitions
 * do not see: `X-Request-Id` on every answer; `RateLimit-*` on the answers of
 * the rate-limited routes (those under `/v1/` that take a key or token);
 * `Retry-After` on 429 and 503; `Idempotent-Replayed` on the event trigger's
 * 202; `Content-Disposition` on a user export. Changes `document` in place
 * and returns it.
 */
export function describeResponseHeaders<D extends Document>(document: D): D {
  document.components = { ...document.components, headers: HEADERS } as D["components"];
  for (const { path, method, op, responses } of operationsOf(document)) {
    const limited = path.startsWith("/v1/") && !(Array.isArray(op.security) && op.security.length === 0);
    for (const [status, response] of Object.entries(responses) as [string, { headers?: object }][]) {
      const headers: Record<string, unknown> = { "X-Request-Id": ref("RequestId") };
      if (limited && (/^2/.test(status) || status === "429")) Object.assign(headers, RATE_LIMIT);
      if (status === "429" || status === "503") headers["Retry-After"] = ref("RetryAfter");
      if (path === "/v1/events" && method === "post" && status === "202")
        headers["Idempotent-Replayed"] = ref("IdempotentReplayed");
      if (path === "/v1/users/{userId}/export" && status === "200")
        headers["Content-Disposition"] = ref("ExportDisposition");
      // Shared response objects (commonErrors) must not collect one route's headers for all.
      responses[status] = { ...response, headers: { ...response.headers, ...headers } };
    }
  }
  return document;
}
