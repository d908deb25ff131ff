import type { DbHandle } from "@herald/db";

export interface PriorityLatency {
  priority: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface WindowCounts {
  events: number;
  notifications: number;
  sent: number;
  /** Notifications of the window's events not sent (yet). */
  unsent: number;
}

/** `from … where` of the queries below: the notifications (`n`) of the events (`e`) accepted in [from, to]. */
function acceptedBetween(h: DbHandle, from: Date, to: Date) {
  return h.sql`from events e join notifications n on n.event_id = e.id
    where e.created_at between ${from.toISOString()}::timestamptz and ${to.toISOString()}::timestamptz`;
}

/**
 * Accept→sent latency per priority, from the database: the event's
 * `created_at` (its commit in the API) to the notification's `sent_at` (the
 * worker's clock when the provider answered), for events accepted in [from, to].
 */
export async function latencyByPriority(
  h: DbHandle,
  from: Date,
  to: Date,
  filter: { channel?: string } = {},
): Promise<PriorityLatency[]> {
  const rows = await h.sql<
    { priority: string; count: string; p50: string; p95: string; p99: string; max: string }[]
  >`
    with l as (
      select n.priority, extract(epoch from n.sent_at - e.created_at) * 1000 as ms
      ${acceptedBetween(h, from, to)}
        and n.sent_at is not null
        ${filter.channel ? h.sql`and n.channel = ${filter.channel}` : h.sql``}
    )
    select priority, count(*) as count,
           percentile_disc(0.5) within group (order by ms)::float8 as p50,
           percentile_disc(0.95) within group (order by ms)::float8 as p95,
           percentile_disc(0.99) within group (order by ms)::float8 as p99,
           max(ms)::float8 as max
    from l group by priority order by priority`;
  return rows.map((r) => ({
    priority: r.priority,
    count: Number(r.count),
    p50: Number(r.p50),
    p95: Number(r.p95),
    p99: Number(r.p99),
    max: Number(r.max),
  }));
}

/** The two halves of accept→sent for one priority, in ms. */
export interface StageLatency {
  priority: string;
  /** Event committed → its notification rows inserted (the router: job pickup, loads, rendering). */
  routing: { p50: number; p99: number };
  /** Rows inserted → sent (send job pickup, content load, provider, SENT write). */
  sending: { p50: number; p99: number };
}

/**
 * Where accept→sent time goes, split at the notification insert
 * (`notifications.created_at`, the router's transaction time), for events
 * accepted in [from, to]. Tells whether the router or the senders are the
 * stage to work on.
 */
export async function latencyByStage(h: DbHandle, from: Date, to: Date): Promise<StageLatency[]> {
  const rows = await h.sql<{ priority: string; r50: number; r99: number; s50: number; s99: number }[]>`
    with l as (
      select n.priority,
             extract(epoch from n.created_at - e.created_at) * 1000 as routing,
             extract(epoch from n.sent_at - n.created_at) * 1000 as sending
      ${acceptedBetween(h, from, to)}
        and n.sent_at is not null
    )
    select priority,
           percentile_disc(0.5) within group (order by routing)::float8 as r50,
           percentile_disc(0.99) within group (order by routing)::float8 as r99,
           percentile_disc(0.5) within group (order by sending)::float8 as s50,
           percentile_disc(0.99) within group (order by sending)::float8 as s99
    from l group by priority order by priority`;
  return rows.map((r) => ({
    priority: r.priority,
    routing: { p50: Number(r.r50), p99: Number(r.r99) },
    sending: { p50: Number(r.s50), p99: Number(r.s99) },
  }));
}

/** Accept→sent p99 per priority for the events accepted in one window of the run. */
export interface WindowLatency {
  /** Seconds from `from` to the window's start. */
  atS: number;
  priority: string;
  count: number;
  p99: number;
}

/**
 * Accept→sent p99 per priority and `windowS`-second window of acceptance over
 * [from, to]: whether latency settles (a warm system keeping up) or climbs
 * through the run (a backlog the system cannot work off).
 */
export async function latencyByWindow(
  h: DbHandle,
  from: Date,
  to: Date,
  windowS: number,
): Promise<WindowLatency[]> {
  const rows = await h.sql<{ w: number; priority: string; count: string; p99: number }[]>`
    with l as (
      select floor(extract(epoch from e.created_at - ${from.toISOString()}::timestamptz) / ${windowS})::int as w,
             n.priority, extract(epoch from n.sent_at - e.created_at) * 1000 as ms
      ${acceptedBetween(h, from, to)}
        and n.sent_at is not null
    )
    select w, priority, count(*) as count,
           percentile_disc(0.99) within group (order by ms)::float8 as p99
    from l group by w, priority order by w, priority`;
  return rows.map((r) => ({
    atS: Number(r.w) * windowS,
    priority: r.priority,
    count: Number(r.count),
    p99: Number(r.p99),
  }));
}

/** Events accepted in [from, to], their notifications, and how many of those were sent. */
export async function windowCounts(h: DbHandle, from: Date, to: Date): Promise<WindowCounts> {
  const [row] = await h.sql<{ events: string; notifications: string; sent: string }[]>`
    select (select count(*) from events where created_at between ${from.toISOString()}::timestamptz and ${to.toISOString()}::timestamptz) as events,
           count(n.id) as notifications, count(n.sent_at) as sent
    ${acceptedBetween(h, from, to)}`;
  const notifications = Number(row!.notifications);
  const sent = Number(row!.sent);
  return { events: Number(row!.events), notifications, sent, unsent: notifications - sent };
}

/** Notifications sent in [from, to] (whenever their event came). */
export async function sentBetween(h: DbHandle, from: Date, to: Date): Promise<number> {
  const [row] = await h.sql<{ n: string }[]>`
    select count(*) as n from notifications where sent_at between ${from.toISOString()}::timestamptz and ${to.toISOString()}::timestamptz`;
  return Number(row!.n);
}

/**
 * Send throughput of the events accepted in [from, to]: their notifications
 * sent ÷ the time from the first of those sends to the last. A count inside
 * the load window reads ~0 in a few-second run, where the window's first sends
 * come only after routing; over 60 s the two agree within ~10%
 * (the last seconds, with routing done, send a little faster).
 */
export async function sendRate(h: DbHandle, from: Date, to: Date): Promise<number> {
  const [row] = await h.sql<{ sent: string; seconds: string | null }[]>`
    select count(n.sent_at) as sent, extract(epoch from max(n.sent_at) - min(n.sent_at)) as seconds
    ${acceptedBetween(h, from, to)}`;
  const seconds = Number(row!.seconds ?? 0);
  return seconds > 0 ? Number(row!.sent) / seconds : 0;
}

/** Events accepted in [from, to]. */
export async function eventsBetween(h: DbHandle, from: Date, to: Date): Promise<number> {
  const [row] = await h.sql<{ n: string }[]>`
    select count(*) as n from events where created_at between ${from.toISOString()}::timestamptz and ${to.toISOString()}::timestamptz`;
  return Number(row!.n);
}

/** Waits until every notification of events accepted so far is sent (or `timeoutMs` passes). */
export async function waitDrained(h: DbHandle, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await h.sql<{ open: string; unrouted: string }[]>`
      select (select count(*) from notifications where status in ('PENDING','QUEUED')) as open,
             (select count(*) from events where status = 'accepted') as unrouted`;
    if (Number(row!.open) === 0 && Number(row!.unrouted) === 0) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/**
 * Notifications created and sent so far, of one type or all, from the stats
 * rollup (`notification_stats_daily`, kept by the notifications' statement
 * triggers in the same transactions): exact, and a few rows to sum. Polling
 * `count(*)` on the notifications instead scanned the growing table, ~40 ms
 * of PostgreSQL a poll at 100,000 rows, taken from the system being measured.
 * A scenario's database is its own, so its rows are the scenario's.
 */
export async function rollupCounts(h: DbHandle, type?: string): Promise<{ created: number; sent: number }> {
  const [row] = await h.sql<{ created: string; sent: string }[]>`
    select coalesce(sum(total), 0) as created, coalesce(sum(sent), 0) as sent
    from notification_stats_daily ${type ? h.sql`where type = ${type}` : h.sql``}`;
  return { created: Number(row!.created), sent: Number(row!.sent) };
}
