import type { Channel, Notification } from "./types.ts";

export interface StatsFilter {
  /** First UTC day, `YYYY-MM-DD` (a Date counts as its UTC day). Default: 29 days before `to`. */
  from?: string | Date;
  /** Last UTC day, inclusive. Default: today (UTC). At most 400 days from `from`. */
  to?: string | Date;
  channel?: Channel;
  type?: string;
}

/** Counts of notifications created in a period, each state counting everything further along too. */
export interface StatCounts {
  total: number;
  /** Accepted by a provider. */
  sent: number;
  delivered: number;
  /** Opened or read. */
  read: number;
  clicked: number;
  /** Now FAILED or DEAD. */
  failed: number;
  bounced: number;
  complained: number;
  /** delivered / sent; null when the divisor is 0 (as are the other rates). */
  deliveryRate: number | null;
  /** read / delivered. */
  openRate: number | null;
  /** clicked / delivered. */
  clickRate: number | null;
  /** (failed + bounced + complained) / total. */
  failureRate: number | null;
}

export interface Stats {
  from: string;
  to: string;
  /** Days are UTC days. */
  timezone: "UTC";
  totals: StatCounts;
  /** Every day of the range, zeros included, so a chart needs no gap filling. */
  byDay: (StatCounts & { day: string })[];
  byChannel: (StatCounts & { channel: Channel })[];
  byType: (StatCounts & { type: string })[];
}

/** Which dead letters; every one without a field. */
export interface DeadLetterMatch {
  channel?: Channel;
  type?: string;
  userId?: string;
  eventId?: string;
  /** Created at or after. */
  since?: string | Date;
  /** Created at or before. */
  until?: string | Date;
}

export interface DeadLetterFilter extends DeadLetterMatch {
  /** 1–200, default 50. */
  limit?: number;
  cursor?: string;
}

export interface DeadLetterRetryFilter extends DeadLetterMatch {
  /** At most this many, newest first (1–10,000). Default 1,000; `more` says whether others still match. */
  limit?: number;
}

/** A DEAD notification: retries exhausted. */
export interface DeadLetter extends Notification {
  /** The provider of the last failed attempt (`lastError` says why). */
  failedProvider?: string;
}

export interface DeadLetterRetryResult {
  retried: number;
  /** The notifications queued again, newest first: follow them with `notifications.get`. */
  ids: string[];
  /** Others still match: `limit` stopped the run. */
  more: boolean;
}
