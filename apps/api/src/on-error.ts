import { type ErrorCode, HeraldError } from "@herald/errors";
import type { Logger } from "@herald/logger";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import type { HonoEnv } from "./hono-env.ts";
import { throttledWarn } from "./log-throttle.ts";

const HTTP_EXCEPTION_CODES: Record<number, ErrorCode> = {
  400: "malformed_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

// postgres.js connection failures and ioredis' fail-fast errors: the request
// did nothing, the client should retry later.
const PG_DOWN_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01",
  "57P03",
  "53300",
  "ETIMEDOUT",
  "EPIPE",
]);

/** ioredis' fail-fast errors while it is disconnected: they name its option or state, not the cause. */
export const REDIS_OFFLINE = /enableOfflineQueue|Connection is closed|Stream isn't writeable/;

export function isDependencyDown(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const x = e as { code?: string; name?: string; message?: string; cause?: unknown };
    if (x.code && PG_DOWN_CODES.has(x.code)) return true;
    if (x.name === "MaxRetriesPerRequestError") return true;
    if (
      x.message &&
      (REDIS_OFFLINE.test(x.message) || /Command timed out|connect ECONNREFUSED/.test(x.message))
    )
      return true;
    e = x.cause;
  }
  return false;
}

/**
 * PostgreSQL refusing a value the validation let through (SQLSTATE class 22:
 * NUL characters, lone surrogates, numbers out of range; 54: nesting too
 * deep). The request was bad, not the server: a 400, never a 500.
 */
export function isRejectedValue(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const x = e as { code?: unknown; name?: string; cause?: unknown };
    if (x.name === "PostgresError" && typeof x.code === "string" && /^(22|54)/.test(x.code)) return true;
    e = x.cause;
  }
  return false;
}

/** Zod issues as `{path, message}` with dotted paths, e.g. `data.items.0.quantity`. */
export function zodDetails(error: ZodError, prefix?: string): { path: string; message: string }[] {
  const pathOf = (parts: PropertyKey[]) =>
    [prefix, ...parts.map(String)].filter((p) => p !== undefined && p !== "").join(".") || "(body)";
  // Zod reports unknown keys on their object (the body's root: "(body)"); each key gets its own
  // detail naming it, as the data's unknown fields do, so a client can point at the field.
  return error.issues.flatMap((i) =>
    i.code === "unrecognized_keys"
      ? i.keys.map((key) => ({ path: pathOf([...i.path, key]), message: i.message }))
      : [{ path: pathOf(i.path), message: i.message }],
  );
}

export function describeDetails(details: { path: string; message: string }[]): string {
  return details.map((d) => `${d.path}: ${d.message}`).join("; ");
}

/** A batch item's `validation_failed` error (the body of a 422, without its request id). */
export function validationFailure(error: ZodError) {
  const details = zodDetails(error);
  return { code: "validation_failed" as const, message: describeDetails(details), details };
}

/** What an exception answers as (SPEC §4): a `HeraldError` as it is, any other by its kind. */
export function asHeraldError(err: unknown): HeraldError {
  if (err instanceof HeraldError) return err;
  if (err instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[err.status] ?? "internal";
    return new HeraldError(code, err.message || code.replace(/_/g, " "));
  }
  if (isRejectedValue(err)) {
    return new HeraldError(
      "malformed_request",
      "A value in the request cannot be stored (for example a NUL character or a number out of range).",
    );
  }
  if (isDependencyDown(err)) {
    return new HeraldError("unavailable", "A dependency (database or queue) is unavailable; retry shortly.", {
      retryAfter: 5,
    });
  }
  return new HeraldError("internal", "Internal error; the request id helps us find what happened.");
}

/** The one place an exception becomes an HTTP answer (SPEC §4 error shape). */
export function createOnError(logger: Logger) {
  // Every request fails alike while PostgreSQL or Redis is down: one line (with its stack) per 10 s.
  const dependencyDown = throttledWarn(logger);
  return (err: Error, c: Context<HonoEnv>) => {
    const requestId = c.get("requestId") ?? "unknown";
    const herald = asHeraldError(err);
    if (!(err instanceof HeraldError) && !(err instanceof HTTPException)) {
      if (herald.code === "malformed_request")
        logger.warn({ requestId, err }, "database refused a value from the request");
      else if (herald.code === "unavailable") dependencyDown({ requestId, err }, "dependency unavailable");
      else logger.error({ requestId, err }, "unhandled error");
    }
    if (herald.retryAfter !== undefined) c.header("Retry-After", String(herald.retryAfter));
    return c.json(herald.toBody(requestId), herald.status as 400);
  };
}

export function notFound(c: Context<HonoEnv>) {
  const requestId = c.get("requestId") ?? "unknown";
  return c.json(
    new HeraldError("not_found", `No route ${c.req.method} ${c.req.path}`).toBody(requestId),
    404,
  );
}

/** `defaultHook` for every OpenAPI route: request validation failures become 422s naming the field. */
export function validationHook(
  result: { success: boolean; error?: ZodError; target?: string },
  _c: Context<HonoEnv>,
): void {
  if (result.success || !result.error) return;
  const prefix = result.target === "json" ? undefined : result.target;
  const details = zodDetails(result.error, prefix === "param" ? "path" : prefix);
  throw new HeraldError("validation_failed", describeDetails(details), { details });
}
