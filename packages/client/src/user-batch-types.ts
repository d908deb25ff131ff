import type { UserFields } from "./types.ts";

/** One user for `users.upsertMany`: your id for the user and the fields `users.upsert` takes. */
export type UserUpsert = UserFields & { userId: string };

/**
 * What became of one user: `created` (new, or an erased user id started
 * afresh), `updated` (a field changed), `unchanged` (every field given already
 * had that value), `rejected` (invalid: see `error`; the others were written).
 */
export type UserUpsertOutcome = "created" | "updated" | "unchanged" | "rejected";

export interface UserBatchItemResult {
  /** The user's place in the array given, from 0. */
  index: number;
  outcome: UserUpsertOutcome;
  error?: { code: string; message: string; details?: { path: string; message: string }[] };
}

export interface UserBatchResult {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** One per user given, in order. */
  results: UserBatchItemResult[];
}
