import type { Channel } from "@herald/domain";
import { and, eq } from "drizzle-orm";
import type { Db } from "./client.ts";
import { suppressions } from "./schema/index.ts";

export type SuppressionRow = typeof suppressions.$inferSelect;

const normalize = (channel: Channel, address: string) =>
  channel === "email" ? address.trim().toLowerCase() : address.trim();

/** Stops sending to `address` on `channel` (hard bounce, complaint, carrier says unreachable). Idempotent. */
export async function suppressAddress(
  db: Db,
  entry: { channel: Channel; address: string; reason: string; notificationId?: string },
): Promise<void> {
  await db
    .insert(suppressions)
    .values({
      channel: entry.channel,
      address: normalize(entry.channel, entry.address),
      reason: entry.reason,
      notificationId: entry.notificationId ?? null,
    })
    .onConflictDoNothing();
}

export async function findSuppression(
  db: Db,
  channel: Channel,
  address: string,
): Promise<SuppressionRow | null> {
  const [row] = await db
    .select()
    .from(suppressions)
    .where(and(eq(suppressions.channel, channel), eq(suppressions.address, normalize(channel, address))));
  return row ?? null;
}
