import { DEFAULT_JOB_OPTIONS } from "@herald/jobs";
import type { ApiDeps } from "../deps.ts";

/**
 * Asks the worker to move these recipients' open digest windows after a
 * change of digest time, digest mode or time zone: without it they kept the
 * old time while new items went to a window at the new one, and the user got
 * two digests. The same job moves their notifications held for quiet hours
 * after a change of quiet hours or time zone. Best effort: the change marked each recipient
 * (`digestsUnsettledSince`) in its own statement, so if Redis cannot take the
 * jobs the reconciler asks again a few minutes later. Never throws.
 */
export async function askToMoveDigests(
  deps: Pick<ApiDeps, "queues" | "logger">,
  recipientIds: Iterable<string>,
): Promise<void> {
  const ids = [...new Set(recipientIds)];
  if (ids.length === 0) return;
  await deps.queues
    .addBulk(
      "digest",
      ids.map((recipientId) => ({
        name: "reschedule" as const,
        data: { recipientId },
        opts: DEFAULT_JOB_OPTIONS.digest,
      })),
    )
    .catch((err: Error) =>
      deps.logger.warn(
        { err: err.message, recipientIds: ids },
        "digest windows not rescheduled; the reconciler will",
      ),
    );
}
