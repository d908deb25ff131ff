import type { Db } from "@herald/db";

/** What a provider callback did, as its webhook route answers it. */
export interface CallbackOutcome {
  notificationId: string | null;
  /** What happened: the status change, `unchanged` (kept in the timeline only), `ignored`, `unknown_notification`. */
  result: string;
}

/**
 * The writes one provider callback makes, prepared by reading (and perhaps
 * waiting) beforehand and run in `processOnce`'s transaction with the
 * delivery's receipt.
 */
export type CallbackWrites = (tx: Db) => Promise<CallbackOutcome>;

/** Writes nothing: the outcome was decided by reading (an unknown or ignored callback). */
export const decided =
  (outcome: CallbackOutcome): CallbackWrites =>
  async () =>
    outcome;
