import {
  addManualSuppression,
  normalizeAddress,
  type SuppressionActor,
  type SuppressionRow,
} from "@herald/db";
import { HeraldError } from "@herald/errors";
import type { Context } from "hono";
import type { ApiDeps } from "../deps.ts";
import type { HonoEnv } from "../hono-env.ts";
import { actorOf } from "../middleware/audited.ts";

export interface AddRequest {
  channel: "email" | "sms";
  /** The address to suppress; never logged nor stored, only its hash. */
  address: string;
  /** The operator's reason; empty counts as none. */
  note?: string | undefined;
  /** Whose address it is, for the log line; unset for the address-level route. */
  recipient?: { id: string };
}

/** The caller, as the suppression keeps it (the audit log's actor): a dashboard session's account, else the API key. */
export function suppressionActor(c: Context<HonoEnv>): SuppressionActor {
  const actor = actorOf(c);
  // The suppression routes sit behind authentication: a caller is always known here.
  if (!actor) throw new Error("suppressionActor called without an authenticated caller");
  return actor;
}

/**
 * Whether `note` spells out the address (e-mail compared case-insensitively, a phone number with or
 * without `+` and separators): the list keeps no addresses, and a note would be where one leaks.
 */
export function noteNamesAddress(channel: "email" | "sms", note: string, address: string): boolean {
  const normal = normalizeAddress(channel, address);
  if (channel === "email") return note.toLowerCase().includes(normal);
  return normalizeAddress("sms", note).includes(normal.replace(/^\+/, ""));
}

/**
 * Puts an address on the suppression list by hand (`manual`), with the
 * note and the caller; an address already suppressed is answered as it is
 * (`created: false`). Logs who added what at info, by ids only, as a lift does.
 */
export async function addSuppression(
  deps: ApiDeps,
  c: Context<HonoEnv>,
  add: AddRequest,
): Promise<{ row: SuppressionRow; created: boolean }> {
  const { channel, address } = add;
  const note = add.note ? add.note : null;
  if (note && noteNamesAddress(channel, note, address)) {
    const message = "must not contain the address: the suppression list keeps only a hash of it";
    throw new HeraldError("validation_failed", `note: ${message}`, { details: [{ path: "note", message }] });
  }
  const by = suppressionActor(c);
  const outcome = await addManualSuppression(deps.db, { channel, address, note, by });
  deps.logger.info(
    {
      channel,
      created: outcome.created,
      reason: outcome.row.reason,
      recipientId: add.recipient?.id,
      by: by.id,
      via: by.via,
    },
    outcome.created ? "suppression added" : "suppression already there",
  );
  return outcome;
}
