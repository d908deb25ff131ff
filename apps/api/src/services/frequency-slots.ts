import { getStates } from "@herald/db";
import {
  type FrequencySlot,
  forgetFrequencySlots,
  moveFrequencySlots,
  putBackFrequencySlots,
  type ReleasedSlot,
  releaseFrequencySlots,
  type SlotMove,
} from "@herald/jobs";
import type { ApiDeps } from "../deps.ts";

/** A canceled notification's slot: a notification row is one. */
export type CanceledSlot = FrequencySlot & { id: string };

/**
 * Gives back the frequency-cap slots of notifications canceled before they
 * went out, so the caps count what the user actually gets (SPEC §5): a
 * canceled campaign no longer keeps a later one from being sent. After the
 * cancel committed, and best effort: a Redis hiccup must not turn a done
 * cancel into an error. A slot not given back only keeps the cap stricter
 * until its window passes; a repeated cancel of the notification gives it
 * back then.
 *
 * A send already in the provider's hands when the cancel came goes out and
 * is recorded SENT over the cancel; its worker then takes the slot again.
 * Should that happen before the slot is given back here, the give-back would
 * undo it, so the rows are read again afterwards and those that went out get
 * their slot back.
 */
export async function giveBackFrequencySlots(
  deps: ApiDeps,
  canceled: readonly CanceledSlot[],
): Promise<void> {
  if (canceled.length === 0) return;
  try {
    const released = await releaseFrequencySlots(deps.redis, deps.env.QUEUE_PREFIX, canceled);
    await putBackWhatWentOut(deps, released);
  } catch (err) {
    deps.logger.warn(
      { err: (err as Error).message, notifications: canceled.length },
      "frequency-cap slots not given back",
    );
  }
}

async function putBackWhatWentOut(deps: ApiDeps, released: ReleasedSlot<CanceledSlot>[]): Promise<void> {
  if (released.length === 0) return;
  const states = await getStates(
    deps.db,
    released.map((r) => r.slot.id),
  );
  const back = released.flatMap((r) => {
    const at = states.get(r.slot.id)?.sentAt;
    return at ? [{ released: r, at }] : [];
  });
  if (back.length > 0) await putBackFrequencySlots(deps.redis, deps.env.QUEUE_PREFIX, back);
}

/**
 * Moves the frequency-cap slots of notifications that now go out at another
 * time (rescheduled, a dead letter retried) to that time, where the caps
 * count them. Best effort, as a give-back: a slot left at the old time only
 * counts there until its window passes.
 */
export async function followFrequencySlots(deps: ApiDeps, moves: readonly SlotMove[]): Promise<void> {
  if (moves.length === 0) return;
  try {
    await moveFrequencySlots(deps.redis, deps.env.QUEUE_PREFIX, moves);
  } catch (err) {
    deps.logger.warn(
      { err: (err as Error).message, notifications: moves.length },
      "frequency-cap slots not moved",
    );
  }
}

/**
 * Deletes an erased recipient's frequency-cap sets: they list which events
 * reached the user when, and nothing is capped for that recipient any more
 * (an id that comes back is a new recipient). Best effort, like the erase's
 * other Redis work: the sets expire by themselves a window after their last
 * send.
 */
export async function forgetErasedFrequencySlots(deps: ApiDeps, recipientId: string): Promise<void> {
  try {
    await forgetFrequencySlots(deps.redis, deps.env.QUEUE_PREFIX, recipientId);
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message, recipientId }, "erased frequency-cap sets not deleted");
  }
}
