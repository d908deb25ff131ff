import type { Channel } from "@herald/domain";
import type { WorkerDeps } from "../deps.ts";
import type { ConditionError } from "./decide-channels.ts";

/**
 * Logs and counts the type's conditions that threw while routing one event
 * (one recipient, or a fan-out page's): one error line per channel,
 * condition and message, with how many recipients it hit, so a predicate
 * that throws for every subscriber of a 100,000-user topic makes a line per
 * page, not 100,000. The line names the event, type, channel and the error's
 * message only: no data values, no user ids.
 */
export function reportConditionErrors(
  deps: Pick<WorkerDeps, "logger" | "metrics">,
  event: { id: string; type: string },
  errors: readonly ConditionError[],
): void {
  if (errors.length === 0) return;
  const groups = new Map<string, ConditionError & { recipients: number }>();
  const perChannel = new Map<Channel, number>();
  for (const e of errors) {
    const key = `${e.channel}\u0000${e.key}\u0000${e.message}`;
    const group = groups.get(key);
    if (group) group.recipients++;
    else groups.set(key, { ...e, recipients: 1 });
    perChannel.set(e.channel, (perChannel.get(e.channel) ?? 0) + 1);
  }
  for (const g of groups.values())
    deps.logger.error(
      {
        eventId: event.id,
        type: event.type,
        channel: g.channel,
        condition: g.key,
        err: g.message,
        recipients: g.recipients,
      },
      "catalog condition threw: channel left out (condition_error)",
    );
  for (const [channel, count] of perChannel) deps.metrics.conditionErrors(event.type, channel, count);
}
