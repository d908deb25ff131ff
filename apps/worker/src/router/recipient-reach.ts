import {
  addressHash,
  type Db,
  type DeviceRow,
  findSuppressedKeys,
  listDevicesOf,
  type RecipientRow,
} from "@herald/db";
import type { Channel } from "@herald/domain";
import { contactTargets } from "./plan-channels.ts";

/** How routing can reach one recipient: their push devices and the channels whose address is suppressed. */
export interface Reach {
  devices: DeviceRow[];
  bounced: Set<Channel>;
}

/**
 * Devices and suppressed addresses of many recipients at once (one query
 * each; none for devices when `channels` leaves out push), for the router's
 * grouped events and a fan-out page alike. Returns a lookup by recipient.
 */
export async function loadReach(
  db: Db,
  people: RecipientRow[],
  channels: readonly Channel[],
): Promise<(recipient: RecipientRow) => Reach> {
  const [devicesOf, suppressed] = await Promise.all([
    channels.includes("push")
      ? listDevicesOf(
          db,
          people.map((r) => r.id),
        )
      : new Map<string, DeviceRow[]>(),
    findSuppressedKeys(
      db,
      people.flatMap((r) => contactTargets(channels, r)),
    ),
  ]);
  return (recipient) => ({
    devices: devicesOf.get(recipient.id) ?? [],
    // Almost always none of the page is suppressed: then there is nothing to hash again.
    bounced:
      suppressed.size === 0
        ? new Set<Channel>()
        : new Set(
            contactTargets(channels, recipient)
              .filter((t) => suppressed.has(`${t.channel}:${addressHash(t.channel, t.address)}`))
              .map((t) => t.channel),
          ),
  });
}
