import { newId } from "@herald/ids";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { prepared } from "./prepared.ts";
import { type DeviceKind, devices, type WebPushKeys } from "./schema/index.ts";

export type DeviceRow = typeof devices.$inferSelect;

export interface NewDevice {
  kind: DeviceKind;
  address: string;
  keys?: WebPushKeys | null;
}

/**
 * Registers a push target. A subscription or token seen before moves to this
 * recipient (browsers and phones change hands) instead of failing.
 */
export async function upsertDevice(db: Db, recipientId: string, device: NewDevice): Promise<DeviceRow> {
  const [row] = await db
    .insert(devices)
    .values({
      id: newId("dev"),
      recipientId,
      kind: device.kind,
      address: device.address,
      keys: device.keys ?? null,
    })
    .onConflictDoUpdate({
      target: [devices.kind, devices.address],
      set: { recipientId, keys: device.keys ?? null, lastSeenAt: new Date() },
    })
    .returning();
  return row!;
}

export async function listDevices(db: Db, recipientId: string): Promise<DeviceRow[]> {
  const query = prepared(db, "devices_of_recipient", (d) =>
    d
      .select()
      .from(devices)
      .where(eq(devices.recipientId, sql.placeholder("recipientId")))
      .orderBy(devices.id)
      .prepare("devices_of_recipient"),
  );
  return query.execute({ recipientId });
}

export async function removeDevice(db: Db, recipientId: string, deviceId: string): Promise<boolean> {
  const rows = await db
    .delete(devices)
    .where(and(eq(devices.id, deviceId), eq(devices.recipientId, recipientId)))
    .returning({ id: devices.id });
  return rows.length > 0;
}

/** Drops a device the push service reported gone (404/410). */
export async function removeDeviceById(db: Db, deviceId: string): Promise<void> {
  await db.delete(devices).where(eq(devices.id, deviceId));
}
