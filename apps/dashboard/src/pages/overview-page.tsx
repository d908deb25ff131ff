import { useQuery } from "@tanstack/react-query";
import { api, type Overview, unwrap } from "../api/client.ts";
import { MiniChart } from "../components/charts.tsx";
import { DeliveryRates } from "../components/delivery-rates.tsx";
import { Card, PageHeader } from "../components/page-header.tsx";
import { QueryView } from "../components/states.tsx";
import { Badge } from "../components/status-badge.tsx";
import { StatusWebhooksCard } from "../components/status-webhooks-card.tsx";
import { ago, CHANNEL_LABEL, num, pct } from "../format.ts";
import { Link } from "../router.tsx";

function Stat({ label, value, hint, tone }: { label: string; value: string; hint?: string; tone?: string }) {
  return (
    <div className={`stat ${tone ? `stat-${tone}` : ""}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  );
}

const MESSAGE_QUEUES = new Set(["events", "push", "email", "sms", "in_app"]);

function Body({ o }: { o: Overview }) {
  const sent = o.activity.reduce((s, b) => s + b.sent, 0);
  const failed = o.activity.reduce((s, b) => s + b.failed, 0);
  const rate = sent + failed === 0 ? 0 : failed / (sent + failed);
  // Messages only: the maintenance, digest and dead-letter queues always hold their schedulers'
  // own jobs, so an idle system never showed 0. The queue table below still lists every queue.
  const waiting = o.queues
    .filter((q) => MESSAGE_QUEUES.has(q.name))
    .reduce((s, q) => s + q.waiting + q.delayed, 0);
  return (
    <>
      <div className="stats">
        <Stat
          label="Sent, last hour"
          value={num(sent)}
          hint={`peak ${num(Math.max(0, ...o.activity.map((b) => b.sent)))} per 5 min`}
        />
        <Stat
          label="Error rate, last hour"
          value={pct(rate)}
          hint={`${num(failed)} failed attempts`}
          {...(rate > 0.05 ? { tone: "bad" } : {})}
        />
        {o.queuesUnavailable ? (
          <Stat label="In queues" value="—" hint="queue store (Redis) unreachable" tone="bad" />
        ) : (
          <Stat label="In queues" value={num(waiting)} hint="events and messages waiting or delayed" />
        )}
        <Stat
          label="Dead letters"
          value={num(o.deadLetters)}
          hint={o.deadLetters ? "need an operator" : "nothing to do"}
          {...(o.deadLetters ? { tone: "bad" } : {})}
        />
      </div>
      <div className="grid-2">
        <Card title="Throughput" actions={<span className="muted small">sent per 5 min</span>}>
          <MiniChart
            kind="bars"
            label="Sent per 5 minutes"
            points={o.activity.map((b) => ({ at: b.at, value: b.sent }))}
          />
        </Card>
        <Card title="Error rate" actions={<span className="muted small">failed ÷ attempts per 5 min</span>}>
          <MiniChart
            kind="line"
            tone="bad"
            label="Error rate per 5 minutes"
            max={Math.max(
              0.1,
              ...o.activity.map((b) => (b.sent + b.failed ? b.failed / (b.sent + b.failed) : 0)),
            )}
            format={(v) => `${Math.round(v * 100)}%`}
            points={o.activity.map((b) => ({
              at: b.at,
              value: b.sent + b.failed === 0 ? 0 : b.failed / (b.sent + b.failed),
            }))}
          />
        </Card>
      </div>
      <div className="grid-2">
        <Card title="Queues" className="flush">
          {o.queuesUnavailable && (
            <div className="callout callout-bad" role="alert" data-queues-unavailable>
              <strong>Queue store (Redis) unreachable</strong>
              <span>
                {o.queues.length === 0
                  ? "Queue counts are unknown: jobs may be waiting, and nothing new can be queued."
                  : "Some queues did not answer; they are missing below."}
              </span>
            </div>
          )}
          <div className="table-wrap">
            <table className="table compact">
              <thead>
                <tr>
                  <th>Queue</th>
                  <th className="num">Waiting</th>
                  <th className="num">Active</th>
                  <th className="num">Delayed</th>
                  <th className="num">Failed</th>
                </tr>
              </thead>
              <tbody>
                {o.queues.map((q) => (
                  <tr key={q.name}>
                    <td>
                      <span className="mono">{q.name}</span>
                      {q.oldestWaitingAgeSeconds > 60 && (
                        <Badge tone="warn">oldest {Math.round(q.oldestWaitingAgeSeconds)} s</Badge>
                      )}
                    </td>
                    <td className="num">{num(q.waiting)}</td>
                    <td className="num">{num(q.active)}</td>
                    <td className="num">{num(q.delayed)}</td>
                    <td className={`num ${q.failed ? "text-bad" : ""}`}>{num(q.failed)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
        <Card
          title="Provider health"
          className="flush"
          actions={<span className="muted small">last hour</span>}
        >
          {o.providers.length === 0 ? (
            <p className="pad muted">No sends in the last hour.</p>
          ) : (
            <ul className="providers">
              {o.providers.map((p) => (
                <li key={`${p.channel}-${p.provider}`}>
                  <div className="provider-main">
                    <span
                      className={`health-dot ${p.errorRate > 0.2 ? "bad" : p.errorRate > 0 ? "warn" : "ok"}`}
                    />
                    <div>
                      <div className="provider-name">
                        {p.provider} <span className="muted">· {CHANNEL_LABEL[p.channel] ?? p.channel}</span>
                      </div>
                      {p.lastError && (
                        <div className="provider-error" title={p.lastError}>
                          {p.lastError} <span className="muted">{ago(p.lastErrorAt)}</span>
                        </div>
                      )}
                    </div>
                  </div>
                  <div className="provider-nums">
                    <span>{num(p.sent)} sent</span>
                    <span className={p.failed ? "text-bad" : "muted"}>{num(p.failed)} failed</span>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <StatusWebhooksCard s={o.statusWebhooks} />
      <DeliveryRates />
      {o.deadLetters > 0 && (
        <p className="muted small">
          <Link href="/failures">Review {num(o.deadLetters)} dead letters →</Link>
        </p>
      )}
    </>
  );
}

export function OverviewPage() {
  const q = useQuery({
    queryKey: ["overview"],
    queryFn: () => unwrap(api.GET("/v1/dashboard/overview")),
    refetchInterval: 5000,
  });
  return (
    <>
      <PageHeader
        title="Overview"
        subtitle={
          q.data
            ? `${q.data.queuesUnavailable ? "Queue store (Redis) unreachable · " : ""}Updated ${ago(q.data.generatedAt)}`
            : "Queues, throughput and provider health"
        }
        // Not "live" while half of what it shows cannot be read.
        live={!q.data?.queuesUnavailable}
      />
      <QueryView query={q} rows={6}>
        {(o) => <Body o={o} />}
      </QueryView>
    </>
  );
}
