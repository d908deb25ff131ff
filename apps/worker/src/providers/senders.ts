import type { Db } from "@herald/db";
import { CHANNELS, type Channel } from "@herald/domain";
import type { Redis } from "ioredis";
import type { WorkerEnv } from "../env.ts";
import { inboxSender } from "./inbox-sender.ts";
import { outboxSender } from "./outbox-sender.ts";
import type { ChannelSender } from "./provider.ts";

export type Senders = Record<Channel, ChannelSender>;

/**
 * Builds each channel's sender from configuration. In production a channel
 * without a configured provider is a start-up error; elsewhere it falls back
 * to the dev outbox so a fresh install shows real messages with no accounts.
 */
export function createSenders(env: WorkerEnv, db: Db, redis: Redis): Senders {
  const senders = { in_app: inboxSender(redis, env.queuePrefix) } as Senders;
  for (const channel of CHANNELS.filter((c) => c !== "in_app")) {
    const configured = env.raw[`${channel.toUpperCase()}_PROVIDERS`];
    if (configured && configured !== "outbox") {
      throw new Error(
        `${channel.toUpperCase()}_PROVIDERS=${configured}: only "outbox" is available in this build`,
      );
    }
    if (!configured && env.nodeEnv === "production") {
      throw new Error(`No provider configured for ${channel} (set ${channel.toUpperCase()}_PROVIDERS)`);
    }
    senders[channel] = outboxSender(db, channel);
  }
  return senders;
}
