import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.ts";

/** An app's user. `externalId` is the app's own `userId`; `id` is Herald's `usr_` id. */
export const recipients = pgTable(
  "recipients",
  {
    id: text("id").primaryKey(),
    externalId: text("external_id").notNull().unique(),
    email: text("email"),
    phone: text("phone"),
    locale: text("locale"),
    timezone: text("timezone"),
    /** Free-form attributes an app may attach (name, plan…), available to templates. */
    properties: jsonb("properties").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: at("updated_at").notNull().defaultNow(),
    /** Set when the recipient was erased: PII is gone, anonymised counts remain. */
    erasedAt: at("erased_at"),
    /**
     * User tokens issued before this time are refused, and so are plain
     * (non-expiring) ones: set by a revocation and by an erase, so the erased
     * user's tokens never open the inbox of the id's next owner.
     */
    tokensValidFrom: at("tokens_valid_from"),
    /**
     * Set when a change of time zone, digest preferences or quiet hours may
     * move the user's open digest windows or their notifications held for
     * quiet hours, cleared by the worker once it has moved them. Still set a
     * while later means the API's job for it was lost (Redis down at the
     * time): the reconciler asks again.
     */
    digestsUnsettledSince: at("digests_unsettled_since"),
  },
  // The reconciler's sweep: only the few rows with a move outstanding are in it.
  (t) => [
    index("recipients_digests_unsettled_idx")
      .on(t.digestsUnsettledSince)
      .where(sql`digests_unsettled_since IS NOT NULL`),
  ],
);

export type DeviceKind = "webpush" | "fcm" | "apns";

export interface WebPushKeys {
  p256dh: string;
  auth: string;
}

export const devices = pgTable(
  "devices",
  {
    id: text("id").primaryKey(),
    recipientId: text("recipient_id")
      .notNull()
      .references(() => recipients.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["webpush", "fcm", "apns"] }).notNull(),
    /** Web push endpoint URL, or the FCM/APNs token. */
    address: text("address").notNull(),
    keys: jsonb("keys").$type<WebPushKeys | null>(),
    createdAt: createdAt(),
    lastSeenAt: at("last_seen_at"),
  },
  (t) => [
    uniqueIndex("devices_kind_address_uq").on(t.kind, t.address),
    index("devices_recipient_idx").on(t.recipientId),
  ],
);

export interface ChannelSwitches {
  email?: boolean;
  sms?: boolean;
  push?: boolean;
  in_app?: boolean;
}

export interface CategoryPreference {
  enabled?: boolean;
  channels?: ChannelSwitches;
  digest?: "instant" | "daily" | "weekly";
}

export interface TypePreference {
  enabled?: boolean;
  channels?: ChannelSwitches;
}

export interface QuietHours {
  start: string;
  end: string;
  timezone?: string;
}

/** One row per recipient; absent parts mean "the default" (everything on, instant). */
export const preferences = pgTable("preferences", {
  recipientId: text("recipient_id")
    .primaryKey()
    .references(() => recipients.id, { onDelete: "cascade" }),
  channels: jsonb("channels").$type<ChannelSwitches>().notNull().default({}),
  categories: jsonb("categories").$type<Record<string, CategoryPreference>>().notNull().default({}),
  types: jsonb("types").$type<Record<string, TypePreference>>().notNull().default({}),
  quietHours: jsonb("quiet_hours").$type<QuietHours | null>(),
  digestTime: text("digest_time"),
  unsubscribedAll: boolean("unsubscribed_all").notNull().default(false),
  updatedAt: at("updated_at").notNull().defaultNow(),
});
