import { ago, when } from "../format.ts";
import { Link } from "../router.tsx";
import {
  type AuditEntry,
  actionHint,
  detailsText,
  OUTCOME_LABEL,
  OUTCOME_TONE,
  targetHref,
  VIA_LABEL,
} from "./audit-text.ts";
import { Badge } from "./status-badge.tsx";

/** Audit entries as a table; `filterHref` (the Audit log page) makes actors and actions filter links. */
export function AuditTable({
  rows,
  filterHref,
}: {
  rows: AuditEntry[];
  filterHref?: (key: "actorId" | "action" | "targetId", value: string) => string;
}) {
  const filterLink = (key: "actorId" | "action" | "targetId", value: string, text: string) =>
    filterHref ? (
      <Link href={filterHref(key, value)} title={`Only entries with this ${key.replace("Id", "")}`}>
        {text}
      </Link>
    ) : (
      text
    );
  return (
    <div className="table-wrap">
      <table className="table stack audit-table">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>Action</th>
            <th>Target</th>
            <th>Outcome</th>
            <th className="hide-sm">Details</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => {
            const href = targetHref(e.target);
            return (
              <tr key={e.id} data-audit-id={e.id} data-action={e.action} data-outcome={e.outcome}>
                <td data-label="When" className="nowrap" title={when(e.at)}>
                  {ago(e.at)}
                </td>
                <td data-label="Who" className="audit-who">
                  {filterLink("actorId", e.actor.id, e.actor.name)}
                  <div className="muted small">
                    {VIA_LABEL[e.actor.via]}
                    {e.clientIp ? ` · ${e.clientIp}` : ""}
                  </div>
                </td>
                <td data-label="Action">
                  <span className="mono">{filterLink("action", e.action, e.action)}</span>
                  {actionHint(e.action) && <div className="muted small">{actionHint(e.action)}</div>}
                </td>
                <td data-label="Target" className="audit-target">
                  {e.target ? (
                    <>
                      <span className="muted small">{e.target.type.replaceAll("_", " ")} </span>
                      {href ? (
                        <Link href={href} className="mono">
                          {e.target.id}
                        </Link>
                      ) : (
                        <span className="mono">{e.target.id}</span>
                      )}
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td data-label="Outcome">
                  <Badge tone={OUTCOME_TONE[e.outcome]}>{OUTCOME_LABEL[e.outcome]}</Badge>
                </td>
                <td data-label="Details" className="hide-sm audit-details small">
                  {detailsText(e.details) || <span className="muted">—</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
