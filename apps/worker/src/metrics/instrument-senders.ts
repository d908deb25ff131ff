import { isDeliveryError } from "@herald/errors";
import type { Senders } from "../providers/senders.ts";
import type { WorkerMetrics } from "./worker-metrics.ts";

/**
 * Wraps each channel's sender so that every provider outcome is counted where
 * it happens: the accepted → sent latency on success, the provider and error
 * class (permanent, transient, gone) on failure. Behaviour is unchanged.
 */
export function instrumentSenders(senders: Senders, metrics: WorkerMetrics): Senders {
  const wrapped = {} as Senders;
  for (const [channel, sender] of Object.entries(senders) as [keyof Senders, Senders[keyof Senders]][]) {
    wrapped[channel] = {
      channel: sender.channel,
      providers: sender.providers,
      // The optional capabilities pass through untouched (crash recovery, shutdown).
      ...(sender.findSent ? { findSent: sender.findSent.bind(sender) } : {}),
      ...(sender.close ? { close: sender.close.bind(sender) } : {}),
      ...(sender.afterSent ? { afterSent: sender.afterSent.bind(sender) } : {}),
      async send(ctx) {
        try {
          const result = await sender.send(ctx);
          metrics.sent(ctx.notification);
          return result;
        } catch (err) {
          if (isDeliveryError(err)) metrics.providerError(err.provider, err.kind);
          else metrics.providerError("unknown", "unexpected");
          throw err;
        }
      },
    };
  }
  return wrapped;
}
