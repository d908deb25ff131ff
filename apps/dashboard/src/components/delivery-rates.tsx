import { useQuery } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../api/client.ts";
import { CHANNEL_LABEL, num, pct } from "../format.ts";
import { Card } from "./page-header.tsx";
import { QueryView } from "./states.tsx";

type Counts = Schemas["DeliveryStats"]["totals"];

const rate = (r: number | null) => (r === null ? "—" : pct(r));

/** The rate columns, with how each is computed (shown on hover). */
const RATES = [
  ["Delivery rate", "delivered ÷ sent"],
  ["Open rate", "read ÷ delivered"],
  ["Click rate", "clicked ÷ delivered"],
  ["Failure rate", "(failed + bounced + complained) ÷ created"],
] as const;

function Row({ label, c }: { label: string; c: Counts }) {
  return (
    <tr>
      <td>{label}</td>
      <td className="num">{num(c.sent)}</td>
      <td className="num">{rate(c.deliveryRate)}</td>
      <td className="num">{rate(c.openRate)}</td>
      <td className="num">{rate(c.clickRate)}</td>
      <td className={`num ${c.failureRate && c.failureRate > 0.05 ? "text-bad" : ""}`}>
        {rate(c.failureRate)}
      </td>
    </tr>
  );
}

/**
 * Delivery, open, click and failure rates of the last 30 days by channel
 * (`GET /v1/stats`): what an operator asks first after "is it sending?".
 * Rates a channel cannot report (no provider callbacks) stay "—".
 */
export function DeliveryRates() {
  const q = useQuery({
    queryKey: ["stats", "30d"],
    queryFn: () => unwrap(api.GET("/v1/stats")),
    refetchInterval: 60_000,
  });
  return (
    <Card title="Delivery" className="flush" actions={<span className="muted small">last 30 days, UTC</span>}>
      <QueryView
        query={q}
        rows={4}
        isEmpty={(s) => s.totals.total === 0}
        empty={<p className="pad muted">Nothing sent in the last 30 days.</p>}
      >
        {(s) => (
          <div className="table-wrap">
            <table className="table compact" data-delivery-rates>
              <thead>
                <tr>
                  <th>Channel</th>
                  <th className="num">Sent</th>
                  {RATES.map(([label, formula]) => (
                    <th key={label} className="num" title={formula}>
                      {label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {s.byChannel.map((c) => (
                  <Row key={c.channel} label={CHANNEL_LABEL[c.channel] ?? c.channel} c={c} />
                ))}
                <Row label="All" c={s.totals} />
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
    </Card>
  );
}
