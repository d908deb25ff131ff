import type { ReactNode } from "react";
import type { Notification } from "../api/client.ts";
import { ago, CHANNEL_LABEL, shortId } from "../format.ts";
import { Link } from "../router.tsx";
import { StatusBadge } from "./status-badge.tsx";

/** A list row: dead letters also say which provider their last attempt failed at. */
type Row = Notification & { failedProvider?: string };

type Column =
  | "id"
  | "user"
  | "type"
  | "channel"
  | "what"
  | "status"
  | "provider"
  | "attempts"
  | "error"
  | "created";

const HEAD: Record<Column, string> = {
  id: "Notification",
  user: "User",
  type: "Type",
  channel: "Channel",
  what: "Type",
  status: "Status",
  provider: "Provider",
  attempts: "Attempts",
  error: "Error",
  created: "Created",
};

// Columns that give way first on a phone.
const SECONDARY = new Set<Column>(["provider", "attempts", "created", "type"]);

function cell(n: Row, c: Column): ReactNode {
  switch (c) {
    case "id":
      return (
        <Link href={`/notifications/${n.id}`} className="mono" title={n.id}>
          {shortId(n.id)}
        </Link>
      );
    case "user":
      return (
        <Link href={`/users/${encodeURIComponent(n.userId)}`} className="user-link" title={n.userId}>
          {n.userId}
        </Link>
      );
    case "type":
      return <span className="mono small">{n.type}</span>;
    case "channel":
      return CHANNEL_LABEL[n.channel] ?? n.channel;
    case "what":
      return (
        <span className="what">
          <span className="mono small">{n.type}</span>
          <span className="muted small">
            {CHANNEL_LABEL[n.channel] ?? n.channel}
            {(n.provider ?? n.failedProvider) && ` · ${n.provider ?? n.failedProvider}`}
          </span>
        </span>
      );
    case "status":
      return (
        <>
          <StatusBadge status={n.status} />
          {n.reason && <div className="muted small">{n.reason.replaceAll("_", " ")}</div>}
        </>
      );
    case "provider":
      return n.provider ?? n.failedProvider ?? <span className="muted">—</span>;
    case "attempts":
      return attempts(n);
    case "error":
      return n.lastError ? (
        <span className="error-text" title={n.lastError}>
          {n.lastError}
        </span>
      ) : (
        <span className="muted">—</span>
      );
    case "created":
      return (
        <span title={n.createdAt} className="nowrap">
          {ago(n.createdAt)}
        </span>
      );
  }
}

const ATTEMPTED = new Set(["SENT", "DELIVERED", "READ", "DEAD", "FAILED", "BOUNCED", "COMPLAINED"]);
/** Attempts made: failed ones are counted in `retryCount`, plus the one that settled it. */
export const attempts = (n: Pick<Notification, "retryCount" | "status">) =>
  n.retryCount + (ATTEMPTED.has(n.status) ? 1 : 0);

/** Notifications as a table; `actions` adds a last column (retry, discard…). */
export function NotificationTable({
  rows,
  columns,
  actions,
}: {
  rows: Row[];
  columns: Column[];
  actions?: (n: Row) => ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className="table stack">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} className={`${SECONDARY.has(c) ? "hide-sm" : ""} ${c === "attempts" ? "num" : ""}`}>
                {HEAD[c]}
              </th>
            ))}
            {actions && <th className="actions-col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((n) => (
            <tr key={n.id} data-notification-id={n.id}>
              {columns.map((c) => (
                <td
                  key={c}
                  data-label={HEAD[c]}
                  className={`${SECONDARY.has(c) ? "hide-sm" : ""} ${c === "attempts" ? "num" : ""} col-${c}`}
                >
                  {cell(n, c)}
                </td>
              ))}
              {actions && (
                <td className="actions-col" data-label="">
                  {actions(n)}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
