import type { Channel } from "@herald/domain";

/**
 * BullMQ key names are `<prefix>:<queue>:<suffix>`. Wrapping the queue name in
 * braces makes it a Redis Cluster hash tag: every key of one queue lands in one
 * slot (BullMQ's Lua scripts need that), and different queues spread over the cluster.
 */
export function bullQueueName(queue: string): string {
  return `{${queue}}`;
}

export function channelQueue(channel: Channel): Channel {
  return channel;
}
