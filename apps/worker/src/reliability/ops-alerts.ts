import {
  type DeadLetterSample,
  OPS_ALERT_MAX_SAMPLES,
  type OpsAlert,
  type RedisClient,
  reliabilityCountersKey,
} from "@herald/jobs";
import type { Logger } from "@herald/logger";
import { postSignedWebhook } from "@herald/webhook-signing";

// The body's contract lives in @herald/jobs (OpsAlertSchema), where /openapi.json reads it too.
export type { DeadLetterSample, OpsAlert };

/**
 * The alert as log fields, under names the log scrubber leaves alone: it masks
 * any value under `email` or `text` (personal data elsewhere), which turned
 * `byChannel.email` and the summary into "[redacted]". The text is the message.
 */
function logFields(alert: OpsAlert) {
  const { text: _text, byChannel, samples, ...rest } = alert;
  return {
    ...rest,
    byChannel: Object.entries(byChannel).map(([channel, count]) => ({ channel, count })),
    samples: samples.slice(0, 3),
  };
}
/** A recorded death is remembered this long, so a re-run dead-letter job does not count twice. */
const SEEN_TTL_S = 7 * 86_400;

// Records one death: counters (once per death id), the pending summary and a
// sample; then makes sure an alert is scheduled. Returns "jobId|dueAt" of the
// scheduled alert, or false when nothing is pending.
const RECORD = `
local fresh = redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1])
if fresh then
  redis.call('HINCRBY', KEYS[2], 'dead_letters_total', 1)
  redis.call('HINCRBY', KEYS[2], 'dead_letters:channel:' .. ARGV[2], 1)
  redis.call('HINCRBY', KEYS[2], 'dead_letters:type:' .. ARGV[3], 1)
  redis.call('HINCRBY', KEYS[3], 'count', 1)
  redis.call('HINCRBY', KEYS[3], 'channel:' .. ARGV[2], 1)
  redis.call('HINCRBY', KEYS[3], 'type:' .. ARGV[3], 1)
  redis.call('HSETNX', KEYS[3], 'since', ARGV[6])
  if redis.call('LLEN', KEYS[4]) < tonumber(ARGV[5]) then redis.call('RPUSH', KEYS[4], ARGV[4]) end
end
local flag = redis.call('GET', KEYS[5])
if flag then return flag end
if redis.call('EXISTS', KEYS[3]) == 0 then return false end
local now = tonumber(ARGV[6])
local last = tonumber(redis.call('GET', KEYS[6]) or '0')
local due = math.max(now + tonumber(ARGV[7]), last + tonumber(ARGV[8]))
flag = ARGV[9] .. '|' .. due
redis.call('SET', KEYS[5], flag, 'PX', due - now + 600000)
return flag
`;

// Takes what is pending for alert job ARGV[1] (or what a failed delivery of
// that job left in flight), and records the send time for rate limiting. The
// in-flight payload keeps that time as the alert's `until`: a redelivery is
// the same alert, body and all, under the same webhook-id.
const TAKE = `
local inflight = redis.call('GET', KEYS[5])
if inflight then return inflight end
local p = redis.call('HGETALL', KEYS[1])
local s = redis.call('LRANGE', KEYS[2], 0, -1)
redis.call('DEL', KEYS[1], KEYS[2])
local flag = redis.call('GET', KEYS[3])
if flag and string.sub(flag, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '|' then redis.call('DEL', KEYS[3]) end
if #p == 0 then return false end
redis.call('SET', KEYS[4], ARGV[2])
local payload = cjson.encode({ pending = p, samples = s, ['until'] = ARGV[2] })
redis.call('SET', KEYS[5], payload, 'EX', 86400)
return payload
`;

export interface OpsAlertsOptions {
  redis: RedisClient;
  prefix: string;
  logger: Logger;
  webhookUrl: string | null;
  /**
   * Key bytes of `OPS_ALERT_WEBHOOK_SECRET` (several: one signature each,
   * during a rotation). Set: every POST carries
   * Standard Webhooks headers, `webhook-id` being the alert job's id (the
   * same on every retry of the alert) and `webhook-timestamp` the attempt's
   * time. Default null: unsigned.
   */
  webhookSecret?: Uint8Array | readonly Uint8Array[] | null;
  groupWaitMs: number;
  intervalMs: number;
  /** Schedules the alert job `jobId` to run after `delayMs` (idempotent per id). */
  schedule(jobId: string, delayMs: number): Promise<void>;
  now?: () => number;
}

export interface OpsAlerts {
  /** Counts one dead notification and makes sure an alert about it will go out. */
  record(deathId: string, sample: DeadLetterSample): Promise<void>;
  /** Sends (or logs) alert `jobId`; throws when the webhook refused it, so the job retries. */
  flush(jobId: string): Promise<OpsAlert | null>;
}

/**
 * Dead-letter alerts, grouped and rate-limited in Redis so they hold across
 * every worker process: the first death schedules one alert
 * `OPS_ALERT_GROUP_WAIT_MS` later; deaths until then join it; after an alert,
 * the next one waits at least `OPS_ALERT_INTERVAL_MS`. A provider outage that
 * kills 10,000 notifications in an hour sends about a dozen alerts.
 */
export function createOpsAlerts(options: OpsAlertsOptions): OpsAlerts {
  const { redis, prefix, logger } = options;
  const now = options.now ?? Date.now;
  const key = (name: string) => `${prefix}:{ops}:${name}`;
  const counters = reliabilityCountersKey(prefix);

  return {
    async record(deathId, sample) {
      const flag = (await redis.eval(
        RECORD,
        6,
        key(`seen:${deathId}`),
        counters,
        key("alert:pending"),
        key("alert:samples"),
        key("alert:scheduled"),
        key("alert:last-sent"),
        SEEN_TTL_S,
        sample.channel,
        sample.type,
        JSON.stringify(sample),
        OPS_ALERT_MAX_SAMPLES,
        now(),
        options.groupWaitMs,
        options.intervalMs,
        `ops-alert-${now()}-${Math.random().toString(36).slice(2, 8)}`,
      )) as string | null;
      if (!flag) return;
      const [jobId, due] = flag.split("|") as [string, string];
      await options.schedule(jobId, Math.max(0, Number(due) - now()));
    },

    async flush(jobId) {
      const payload = (await redis.eval(
        TAKE,
        5,
        key("alert:pending"),
        key("alert:samples"),
        key("alert:scheduled"),
        key("alert:last-sent"),
        key(`alert:inflight:${jobId}`),
        jobId,
        now(),
      )) as string | null;
      if (!payload) return null;
      const alert = toAlert(JSON.parse(payload) as TakenAlert);
      logger.error({ alert: logFields(alert) }, `ops alert: ${alert.text}`);
      if (options.webhookUrl) {
        // Signed per attempt: a retry keeps the id (receivers dedupe on it) with a fresh timestamp.
        // Not publicOnly: OPS_ALERT_WEBHOOK_URL is the operator's own setting, trusted wherever it points.
        const sent = await postSignedWebhook({
          url: options.webhookUrl,
          secret: options.webhookSecret ?? null,
          id: jobId,
          body: JSON.stringify(alert),
          timeoutMs: 10_000,
          userAgent: "herald-ops-alert",
          nowMs: now(),
        });
        if (!sent.ok) {
          await redis.hincrby(counters, "ops_alerts_failed", 1);
          throw new Error(`ops alert webhook ${sent.error}`);
        }
      }
      await redis
        .multi()
        .del(key(`alert:inflight:${jobId}`))
        .hincrby(counters, options.webhookUrl ? "ops_alerts_sent" : "ops_alerts_logged", 1)
        .exec();
      return alert;
    },
  };
}

/** cjson turns an empty Lua table into `{}` rather than `[]`. */
const asArray = (v: string[] | object): string[] => (Array.isArray(v) ? v : []);

/** What TAKE returns; `until` is missing from payloads left in flight by an older worker. */
interface TakenAlert {
  pending: string[] | object;
  samples: string[] | object;
  until?: string;
}

function toAlert(raw: TakenAlert): OpsAlert {
  const flat = asArray(raw.pending);
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  const pick = (prefix: string) =>
    Object.fromEntries(
      Object.entries(fields)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), Number(v)]),
    );
  const count = Number(fields.count ?? 0);
  const byChannel = pick("channel:");
  const since = new Date(Number(fields.since ?? Date.now())).toISOString();
  const until = new Date(Number(raw.until ?? Date.now())).toISOString();
  const channels = Object.entries(byChannel)
    .map(([c, n]) => `${c} ${n}`)
    .join(", ");
  return {
    type: "herald.dead_letters",
    text: `Herald: ${count} notification${count === 1 ? "" : "s"} dead-lettered since ${since} (${channels}).`,
    count,
    since,
    until,
    byChannel,
    byType: pick("type:"),
    samples: asArray(raw.samples).map((s) => JSON.parse(s) as DeadLetterSample),
    howToRetry:
      'GET /v1/dead-letters to inspect; POST /v1/dead-letters/retry with {"channel": "…"} once the provider works again.',
  };
}
