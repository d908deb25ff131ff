import { isDeliveryError } from "@herald/errors";
import type { SendContext } from "../providers/provider.ts";
import type { Senders } from "../providers/senders.ts";
import type { WorkerMetrics } from "./worker-metrics.ts";

/**
 * Wraps each channel's sender so that every provider outcome is counted where
 * it happens: the accepted → sent latency on success, the provider and error
 * class (permanent, transient, gone) on failure. Behaviour is unchanged.
 */
export function instrumentSenders(senders: Senders, metrics: WorkerMetrics): Senders {
  const countError = (err: unknown) => {
    if (isDeliveryError(err)) metrics.providerError(err.provider, err.kind);
    else metrics.providerError("unknown", "unexpected");
  };
  const wrapped = {} as Senders;
  for (const [channel, sender] of Object.entries(senders) as [keyof Senders, Senders[keyof Senders]][]) {
    wrapped[channel] = {
      channel: sender.channel,
      providers: sender.providers,
      ...(sender.requestBatchSize ? { requestBatchSize: sender.requestBatchSize } : {}),
      ...(sender.notesInFlight ? { notesInFlight: true } : {}),
      // The optional capabilities pass through untouched (crash recovery, shutdown).
      ...(sender.findSent ? { findSent: sender.findSent.bind(sender) } : {}),
      ...(sender.close ? { close: sender.close.bind(sender) } : {}),
      ...(sender.afterSent ? { afterSent: sender.afterSent.bind(sender) } : {}),
      ...(sender.sendMany
        ? {
            async sendMany(ctxs: SendContext[]) {
              const answers = await sender.sendMany!(ctxs);
              answers.forEach((answer, i) => {
                if (!(answer instanceof Error)) metrics.sent(ctxs[i]!.notification);
                else countError(answer);
              });
              return answers;
            },
          }
        : {}),
      async send(ctx) {
        try {
          const result = await sender.send(ctx);
          metrics.sent(ctx.notification);
          return result;
        } catch (err) {
          countError(err);
          throw err;
        }
      },
    };
  }
  return wrapped;
}
