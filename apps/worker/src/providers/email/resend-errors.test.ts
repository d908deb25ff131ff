import type { ErrorResponse } from "resend";
import { describe, expect, it } from "vitest";
import { resendFailure, type Unanswered } from "./resend-errors.ts";

const answered: Unanswered = { timedOut: false, mayHaveReached: true, timeoutMs: 10_000 };
const error = (statusCode: number | null, name: string, message = "m") =>
  ({ statusCode, name, message }) as ErrorResponse;
const judge = (e: ErrorResponse, how = answered, headers: Record<string, string> | null = null) => {
  const d = resendFailure(e, headers, how);
  return { kind: d.kind, code: d.code, ambiguous: d.ambiguous, rateLimited: d.rateLimited };
};

describe("resendFailure", () => {
  const sdkFetchError = error(
    null,
    "application_error",
    "Unable to fetch data. The request could not be resolved.",
  );

  it("calls a request without an answer ambiguous when it may have reached Resend (timed out or cut off after it was written)", () => {
    expect(judge(sdkFetchError, { ...answered, timedOut: true })).toEqual({
      kind: "transient",
      code: "timeout",
      ambiguous: true,
      rateLimited: false,
    });
    expect(judge(sdkFetchError)).toMatchObject({ code: "network", ambiguous: true });
  });

  it("calls one Resend never saw (refused, DNS, a timeout before it was written) an ordinary transient error", () => {
    const unsent = { ...answered, mayHaveReached: false };
    expect(judge(sdkFetchError, unsent)).toEqual({
      kind: "transient",
      code: "network",
      ambiguous: false,
      rateLimited: false,
    });
    expect(judge(sdkFetchError, { ...unsent, timedOut: true })).toMatchObject({
      code: "timeout",
      ambiguous: false,
    });
  });

  it("takes every 401 and 403 as our account's problem (transient, failover), whatever its name", () => {
    for (const e of [
      error(403, "validation_error", "The herald.test domain is not verified."),
      error(403, "validation_error", "You can only send testing emails to your own email address."),
      error(401, "validation_error"),
      error(403, "invalid_api_key"),
      error(401, "restricted_api_key"),
    ])
      expect(judge(e)).toMatchObject({ kind: "transient", ambiguous: false, code: e.name });
  });

  it("takes 409 concurrent_idempotent_requests as ambiguous: the same key is being processed, maybe sending this e-mail", () => {
    expect(judge(error(409, "concurrent_idempotent_requests"))).toEqual({
      kind: "transient",
      code: "concurrent_idempotent_requests",
      ambiguous: true,
      rateLimited: false,
    });
    expect(judge(error(409, "invalid_idempotent_request"))).toMatchObject({ kind: "permanent" });
  });

  it("keeps the rest: 429 rate-limited with its Retry-After, other 4xx permanent, 503 transient", () => {
    const limited = resendFailure(error(429, "rate_limit_exceeded"), { "retry-after": "2" }, answered);
    expect([limited.kind, limited.rateLimited, limited.retryAfterMs, limited.ambiguous]).toEqual([
      "transient",
      true,
      2000,
      false,
    ]);
    expect(judge(error(422, "validation_error"))).toMatchObject({ kind: "permanent" });
    expect(judge(error(503, "application_error"))).toEqual({
      kind: "transient",
      code: "application_error",
      ambiguous: false,
      rateLimited: false,
    });
  });

  it("takes a 500, 502, 504 (and any other 5xx but 503) as ambiguous: the error or the gateway may come after Resend took the e-mail", () => {
    for (const status of [500, 502, 504, 520, 524]) {
      const d = resendFailure(error(status, "application_error"), null, answered, "batch-k");
      expect([status, d.kind, d.ambiguous, d.rateLimited, d.requestKey]).toEqual([
        status,
        "transient",
        true,
        false,
        "batch-k",
      ]);
      expect(d.message).toContain(`HTTP ${status}`);
    }
    // A 503 says the request was not processed (nor is a 429): another provider may send.
    expect(
      resendFailure(error(503, "application_error"), null, answered, "batch-k").requestKey,
    ).toBeUndefined();
  });
});
