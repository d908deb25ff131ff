import type { CatalogData, NotificationTypeName } from "@herald/templates";
import type { Channel, PageOptions, Priority, UserFields } from "./types.ts";

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

/** When a schedule runs; times are local to `timezone`, else the recipient's zone (UTC for a topic). */
export type Repeat = {
  /** Every `interval` units, counted from `startsAt` (else the creation). Default 1. */
  interval?: number;
  /** IANA zone. */
  timezone?: string;
} & (
  | { frequency: "hourly" /** Minute past the hour. */; minute?: number }
  | { frequency: "daily" /** Local `HH:MM`. */; at?: string }
  | { frequency: "weekly"; at?: string; days?: Weekday[] }
  | {
      frequency: "monthly";
      at?: string /** 1–31; a shorter month runs on its last day. */;
      dayOfMonth?: number;
    }
);

type ScheduleTarget =
  | { userId: string; topic?: never /** Upsert the recipient's contact data now. */; user?: UserFields }
  | { topic: string; userId?: never; user?: never };

interface ScheduleOptions {
  repeat: Repeat;
  priority?: Priority;
  channels?: Channel[];
  /** No run before (ISO time or Date). */
  startsAt?: string | Date;
  /** No run after (ISO time or Date). */
  endsAt?: string | Date;
  /** Finished after this many runs. */
  maxRuns?: number;
}

/** A schedule of one catalog type with exactly that type's data, as `events.trigger` takes it. */
export type NewSchedule = {
  [K in NotificationTypeName]: ScheduleOptions & ScheduleTarget & { type: K; data: CatalogData[K] };
}[NotificationTypeName];

export interface SchedulePatch {
  data?: Record<string, unknown>;
  repeat?: Repeat;
  /** null: the recipient's own zone. */
  timezone?: string | null;
  endsAt?: string | Date | null;
  maxRuns?: number | null;
  paused?: boolean;
}

export interface Schedule {
  id: string;
  type: string;
  userId: string | null;
  topic: string | null;
  data: Record<string, unknown>;
  dataHidden?: true;
  priority: Priority | null;
  channels: Channel[] | null;
  repeat: Repeat;
  startsAt: string | null;
  endsAt: string | null;
  maxRuns: number | null;
  runs: number;
  /** Null once finished. */
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastEventId: string | null;
  paused: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ScheduleDetail extends Schedule {
  /** The events of its last runs, newest first. */
  recentRuns: { eventId: string; createdAt: string; status: string }[];
}

export interface ScheduleListOptions extends PageOptions {
  userId?: string;
  topic?: string;
  type?: string;
}
