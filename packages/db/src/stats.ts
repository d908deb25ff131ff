import type { Channel } from "@herald/domain";
import { and, eq, gte, lte, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { notificationStatsDaily } from "./schema/index.ts";

export const STAT_COUNTERS = [
  "total",
  "sent",
  "delivered",
  "read",
  "clicked",
  "failed",
  "bounced",
  "complained",
] as const;
export type StatCounter = (typeof STAT_COUNTERS)[number];
export type StatCounts = Record<StatCounter, number>;

export interface StatsRow extends StatCounts {
  /** UTC day the notifications were created, `YYYY-MM-DD`. */
  day: string;
  channel: Channel;
  type: string;
}

export interface StatsFilter {
  /** First UTC day, `YYYY-MM-DD`, inclusive. */
  from: string;
  /** Last UTC day, inclusive. */
  to: string;
  channel?: Channel;
  type?: string;
}

/**
 * Counts per (day, channel, type) from the rollup that triggers keep current:
 * cost depends on days × channels × types, not on how many notifications exist.
 */
export async function queryDeliveryStats(db: Db, filter: StatsFilter): Promise<StatsRow[]> {
  const t = notificationStatsDaily;
  const where: SQL[] = [gte(t.day, filter.from), lte(t.day, filter.to)];
  if (filter.channel) where.push(eq(t.channel, filter.channel));
  if (filter.type) where.push(eq(t.type, filter.type));
  const sums = Object.fromEntries(
    STAT_COUNTERS.map((c) => [c, sql<number>`sum(${t[c]})::float8`.mapWith(Number)]),
  ) as Record<StatCounter, SQL<number>>;
  return db
    .select({ day: t.day, channel: t.channel, type: t.type, ...sums })
    .from(t)
    .where(and(...where))
    .groupBy(t.day, t.channel, t.type)
    .orderBy(t.day, t.channel, t.type);
}

export interface StatRates {
  /** delivered / sent */
  deliveryRate: number | null;
  /** read (opened) / delivered */
  openRate: number | null;
  /** clicked / delivered */
  clickRate: number | null;
  /** (failed + bounced + complained) / total */
  failureRate: number | null;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

export function statRates(c: StatCounts): StatRates {
  return {
    deliveryRate: ratio(c.delivered, c.sent),
    openRate: ratio(c.read, c.delivered),
    clickRate: ratio(c.clicked, c.delivered),
    failureRate: ratio(c.failed + c.bounced + c.complained, c.total),
  };
}

const zero = (): StatCounts => Object.fromEntries(STAT_COUNTERS.map((c) => [c, 0])) as StatCounts;

function add(into: StatCounts, row: StatCounts): void {
  for (const c of STAT_COUNTERS) into[c] += row[c];
}

interface GroupKeys {
  day: string;
  channel: Channel;
  type: string;
}

export type StatsGroup<K extends keyof GroupKeys> = Pick<GroupKeys, K> & StatCounts & StatRates;

/** Totals and the three breakdowns (by day, channel, type) with their rates. */
export function summarizeStats(rows: StatsRow[]) {
  const totals = zero();
  const groups = { day: new Map<string, StatCounts>(), channel: new Map(), type: new Map() } as Record<
    "day" | "channel" | "type",
    Map<string, StatCounts>
  >;
  for (const row of rows) {
    add(totals, row);
    for (const key of ["day", "channel", "type"] as const) {
      const k = row[key];
      const g = groups[key].get(k) ?? zero();
      groups[key].set(k, g);
      add(g, row);
    }
  }
  const list = <K extends "day" | "channel" | "type">(key: K) =>
    [...groups[key]]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, c]) => ({ [key]: k, ...c, ...statRates(c) }) as StatsGroup<K>);
  return {
    totals: { ...totals, ...statRates(totals) },
    byDay: list("day"),
    byChannel: list("channel"),
    byType: list("type"),
  };
}

/** Notifications dead-lettered (status DEAD) per channel; served by the partial index on open work. */
export async function countDeadByChannel(db: Db): Promise<{ channel: string; count: number }[]> {
  const rows = await db.execute<{ channel: string; count: number }>(
    sql`select channel, count(*)::int as count from notifications where status = 'DEAD' group by channel order by channel`,
  );
  return [...rows];
}
