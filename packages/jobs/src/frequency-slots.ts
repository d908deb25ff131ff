import type { Channel } from "@herald/domain";

/**
 * The Redis sorted set of one recipient's capped sends of `category` on
 * `channel` (`FREQUENCY_CAPS`, SPEC §5): members are event ids, scores the
 * time each notification is due to go out. The router counts and fills it;
 * the API gives a slot back when it cancels a notification before it went
 * out, which is why the key holds nothing the API cannot know (no cap
 * window: every cap of a (category, channel) counts over the one set).
 *
 * The `{cap:<recipient>}` hash tag keeps all of a recipient's sets in one
 * Redis Cluster slot, so an erase deletes them with one command.
 */
export function frequencyCapKey(
  prefix: string,
  recipientId: string,
  category: string,
  channel: Channel,
): string {
  return `${prefix}:{cap:${recipientId}}:${category}:${channel}`;
}
