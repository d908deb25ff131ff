import type { Schedule } from "./schedule-types.ts";
import type { Suppression } from "./suppression-types.ts";
import type { Device, NotificationWithTimeline, Preferences, UserEvent } from "./types.ts";

/** A push device as an export shows it: enough to recognise it, never the credential itself. */
export interface ExportDevice extends Device {
  /** Web push: the push service's origin (`https://fcm.googleapis.com`), not the endpoint. */
  origin?: string;
  /** FCM and APNs: the token's last 6 characters. */
  tokenEnd?: string;
  lastSeenAt?: string;
}

/** Everything Herald holds about a user (`users.export`), as of `exportedAt`. */
export interface UserExport {
  exportedAt: string;
  user: {
    userId: string;
    /** Herald's id for the user (`usr_…`). */
    id: string;
    email: string | null;
    phone: string | null;
    locale: string | null;
    timezone: string | null;
    properties: Record<string, unknown>;
    createdAt: string;
    updatedAt: string;
  };
  preferences: Preferences;
  devices: ExportDevice[];
  /** Newest subscription first. */
  topics: { key: string; subscribedAt: string }[];
  /** The suppressions of the user's current e-mail address and phone number (who added one is left out). */
  suppressions: Omit<Suppression, "suppressedBy">[];
  /** The user's recurring schedules, newest first, with their data. */
  schedules: Schedule[];
  /** The events triggered for the user, oldest first (topic events' data is not the user's: not included). */
  events: Omit<UserEvent, "notificationCount">[];
  /** Every notification to the user, oldest first, with its timeline (those of topic events included). */
  notifications: NotificationWithTimeline[];
}
