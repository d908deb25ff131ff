import { type NotificationRow, suppressIfReadElsewhere } from "@herald/db";
import type { NotificationStatus } from "@herald/domain";
import { escalationOf } from "@herald/templates";
import type { WorkerDeps } from "../deps.ts";

/**
 * Whether the row is one its type's escalation holds back (`escalation`):
 * by the catalog and the row's priority, as the router decided. A critical
 * event's rows were never held, so they are never withdrawn either.
 */
export function heldBack(
  deps: WorkerDeps,
  n: Pick<NotificationRow, "type" | "channel" | "priority">,
): boolean {
  const def = deps.catalog.get(n.type);
  return !!def && (escalationOf(def, n.priority)?.channels.has(n.channel) ?? false);
}

/**
 * Before an escalation's held notification goes out: if the recipient read
 * one of the event's other notifications meanwhile, it ends SUPPRESSED
 * `read_elsewhere` (no provider call, no attempt used). The check and the
 * write are one statement guarded by `waiting`, so a row sent, canceled or
 * suppressed at the same moment is left alone. True when it was withdrawn.
 */
export async function withdrawIfReadElsewhere(
  deps: WorkerDeps,
  n: Pick<NotificationRow, "id" | "type" | "channel" | "priority">,
  waiting: readonly NotificationStatus[],
): Promise<boolean> {
  if (!heldBack(deps, n)) return false;
  return suppressIfReadElsewhere(deps.db, n.id, { from: waiting, at: deps.now(), detail: { stage: "send" } });
}
