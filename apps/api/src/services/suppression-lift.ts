import { type SuppressionRow, unsuppressAddress } from "@herald/db";
import { HeraldError } from "@herald/errors";
import type { Context } from "hono";
import type { ApiDeps } from "../deps.ts";
import type { HonoEnv } from "../hono-env.ts";

export interface LiftRequest {
  channel: "email" | "sms";
  /** The address whose suppression goes; never logged. */
  address: string;
  /** Also lift a spam complaint (`?force=true`, `"force": true`). */
  force: boolean;
  /** Whose address it is, for the log line and the messages; unset for the address-level route. */
  recipient?: { id: string; userId: string };
}

/** What an address on each channel is called in messages. */
export const ADDRESS_NAME = { email: "e-mail address", sms: "phone number" } as const;

/**
 * Lifts the suppression of an address: 404 when there is none, 409 for a
 * complaint unless forced. Logs who lifted what at info, by ids only: the
 * API key's or the dashboard account's id and the recipient's Herald id, never the address nor the app's user id
 * (often an e-mail address itself).
 */
export async function liftSuppression(
  deps: ApiDeps,
  c: Context<HonoEnv>,
  lift: LiftRequest,
): Promise<SuppressionRow> {
  const { channel, recipient } = lift;
  const whose = recipient
    ? `${recipient.userId}'s ${ADDRESS_NAME[channel]}`
    : `This ${ADDRESS_NAME[channel]}`;
  const outcome = await unsuppressAddress(deps.db, channel, lift.address, { complaints: lift.force });
  if (outcome.kind === "none") throw new HeraldError("not_found", `${whose} is not suppressed.`);
  if (outcome.kind === "complaint") {
    throw new HeraldError(
      "conflict",
      `${whose} is suppressed because its owner reported a message as spam. Sending to it again is your ` +
        "responsibility (and a risk to your sender reputation): to lift it anyway, repeat with force=true.",
    );
  }
  const { row } = outcome;
  deps.logger.info(
    {
      channel,
      reason: row.reason,
      provider: row.provider,
      notificationId: row.notificationId,
      suppressedAt: row.createdAt.toISOString(),
      recipientId: recipient?.id,
      // A dashboard session's stand-in key has the account's id.
      by: c.get("apiKey")?.id,
      via: c.get("dashboardUser") ? "dashboard" : "api_key",
    },
    "suppression lifted",
  );
  return row;
}
