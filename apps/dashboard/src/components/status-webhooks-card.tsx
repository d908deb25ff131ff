import type { Overview } from "../api/client.ts";
import { ago, num, when } from "../format.ts";
import { Link } from "../router.tsx";
import { Card } from "./page-header.tsx";
import { Badge } from "./status-badge.tsx";
import { retryingBatchOutlook } from "./status-webhook-text.ts";

type StatusWebhooks = Overview["statusWebhooks"];

/** Waiting longer than this without a failing batch is worth a look (a healthy outbox empties within a second). */
const SLOW_SECONDS = 60;

/**
 * Status webhooks on the overview: off in one line; on, whether the receiver
 * keeps up (changes waiting and the oldest one's age), the workers' totals,
 * and the batch being retried as a warning: while one fails, every later change
 * waits behind it until it is taken or `STATUS_WEBHOOK_MAX_AGE` drops it; one
 * refused for its body (400, 413, 422) is split until the refused change is
 * dropped instead, and the card says so.
 */
export function StatusWebhooksCard({ s }: { s: StatusWebhooks }) {
  return (
    <>
      <EnvStatusWebhook s={s} />
      <WebhookEndpointsSummary endpoints={s.endpoints.filter((e) => e.source === "api")} />
    </>
  );
}

/**
 * The endpoints added on the Webhooks page, one line each: healthy, failing
 * (since when, why) or disabled, and what waits for it. Nothing when none.
 */
function WebhookEndpointsSummary({ endpoints }: { endpoints: StatusWebhooks["endpoints"] }) {
  if (endpoints.length === 0) return null;
  return (
    <Card title="Webhook endpoints" actions={<Link href="/webhooks">Manage →</Link>}>
      <ul className="webhook-endpoint-list" data-webhook-endpoints>
        {endpoints.map((e) => {
          const d = e.delivery;
          return (
            <li key={e.id} data-endpoint={e.id}>
              {!e.enabled ? (
                <Badge tone="muted">disabled</Badge>
              ) : d.failingSince ? (
                <Badge tone="bad">failing</Badge>
              ) : (
                <Badge tone="ok">healthy</Badge>
              )}{" "}
              {e.description || <span className="mono">{e.id}</span>}
              <span className="muted small">
                {" "}
                · {d.waitingEstimated ? "about " : ""}
                {num(d.waiting)} waiting
                {d.oldestAt && `, oldest ${ago(d.oldestAt)}`}
                {d.failingSince && ` · failing since ${ago(d.failingSince)}: ${d.lastError ?? "—"}`}
              </span>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

/** STATUS_WEBHOOK_URL (the workers' environment): the fields at the top of `statusWebhooks`. */
function EnvStatusWebhook({ s }: { s: StatusWebhooks }) {
  if (!s.enabled) {
    return (
      <p className="muted small" data-status-webhooks="off">
        Status webhooks: off (set STATUS_WEBHOOK_URL)
        {s.waiting > 0 && ` · ${num(s.waiting)} changes recorded earlier wait undelivered`}
      </p>
    );
  }
  const r = s.retrying;
  const slow = !r && s.oldestAgeSeconds > SLOW_SECONDS;
  return (
    <Card title="Status webhooks" actions={<span className="muted small">{s.statuses.join(", ")}</span>}>
      <div data-status-webhooks="on">
        {r && (
          <div className="callout callout-warn" role="alert" data-status-webhook-failing>
            <strong>
              The receiver has failed {num(r.attempts)} attempt{r.attempts === 1 ? "" : "s"} since{" "}
              {when(r.since)}
            </strong>
            <span>
              Last error: <span className="mono">{r.lastError ?? "—"}</span>
              {r.lastAttemptAt && ` (${ago(r.lastAttemptAt)})`}. Next attempt {ago(r.nextAttemptAt)};{" "}
              {retryingBatchOutlook(r)}
            </span>
          </div>
        )}
        <dl className="facts">
          <div>
            <dt>Waiting</dt>
            <dd className={r || slow ? "text-bad" : ""}>
              {s.waitingEstimated ? "about " : ""}
              {num(s.waiting)} change{s.waiting === 1 ? "" : "s"}
              {s.oldestAt && <span className="muted"> · oldest recorded {ago(s.oldestAt)}</span>}
            </dd>
          </div>
          <div>
            <dt>Delivered</dt>
            <dd>{s.totals ? num(s.totals.delivered) : "—"}</dd>
          </div>
          <div>
            <dt>Failed POSTs</dt>
            <dd className={s.totals?.failed ? "text-bad" : ""}>{s.totals ? num(s.totals.failed) : "—"}</dd>
          </div>
          <div>
            <dt>Expired</dt>
            <dd className={s.totals?.expired ? "text-bad" : ""}>{s.totals ? num(s.totals.expired) : "—"}</dd>
          </div>
          <div>
            <dt title="Dropped: the receiver refused them alone (400, 413, 422), STATUS_WEBHOOK_SPLIT_AFTER times">
              Rejected
            </dt>
            <dd className={s.totals?.rejected ? "text-bad" : ""}>
              {s.totals ? num(s.totals.rejected) : "—"}
            </dd>
          </div>
        </dl>
      </div>
    </Card>
  );
}
