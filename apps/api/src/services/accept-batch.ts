import { HeraldError } from "@herald/errors";
import type { ApiDeps } from "../deps.ts";
import { asHeraldError, isRejectedValue } from "../on-error.ts";
import { acceptEvents, type IngestResult, type ValidEvent } from "./ingest.ts";

const unstorable = () =>
  new HeraldError(
    "malformed_request",
    "A value in this event cannot be stored (for example a NUL character or a number out of range).",
  );

/**
 * `acceptEvents` for the items of one batch request, where one value that
 * validation let through and PostgreSQL refuses (`isRejectedValue`) must not
 * fail the other items. The refusal fails the INSERT statement (or the
 * transaction with the inline users), so none of those events was written:
 * the events are accepted again in halves, down to the ones that fail alone.
 * No duplicates: a part is written whole or not at all, and the batch's
 * idempotency keys are distinct (checked before) and kept per event.
 */
export async function acceptBatch(deps: ApiDeps, valid: ValidEvent[]): Promise<IngestResult[]> {
  try {
    return await acceptEvents(deps, valid);
  } catch (err) {
    if (!isRejectedValue(err)) throw err;
    deps.logger.warn(
      { err, events: valid.length },
      "database refused a value of a batch: accepting it in parts",
    );
    return acceptInHalves(deps, valid);
  }
}

async function acceptInHalves(deps: ApiDeps, valid: ValidEvent[]): Promise<IngestResult[]> {
  if (valid.length === 1) return [{ error: unstorable() }];
  const middle = Math.ceil(valid.length / 2);
  const first = await acceptPart(deps, valid.slice(0, middle));
  return [...first, ...(await acceptPart(deps, valid.slice(middle)))];
}

async function acceptPart(deps: ApiDeps, part: ValidEvent[]): Promise<IngestResult[]> {
  try {
    return await acceptEvents(deps, part);
  } catch (err) {
    if (isRejectedValue(err)) return acceptInHalves(deps, part);
    // Parts before this one may be recorded and queued already: a request-wide error would tell
    // the client that nothing was, and its retry would create those events again.
    return part.map(() => ({ error: asItemError(deps, err) }));
  }
}

function asItemError(deps: ApiDeps, err: unknown): HeraldError {
  const herald = asHeraldError(err);
  if (herald.code === "internal") deps.logger.error({ err }, "unhandled error accepting part of a batch");
  return herald;
}
