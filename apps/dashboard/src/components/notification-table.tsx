import type { ReactNode } from "react";
import type { Notification } from "../api/client.ts";
import { ago, CHANNEL_LABEL, shortId } from "../format.ts";
import { Link } from "../router.tsx";
import { StatusBadge } from "./status-badge.tsx";

type Column = "id" | "user" | "type" | "channel" | "status" | "provider" | "attempts" | "error" | "created";

const HEAD: Record<Column, string> = {
  id: "Notification",
  user: "User",
  type: "Type",
  channel: "Channel",
  status: "Status",
  provider: "Provider",
  attempts: "Attempts",
  error: "Error",
  created: "Created",
};

// Columns that give way first on a phone.
const SECONDARY = new Set<Column>(["provider", "attempts", "created", "type"]);

function cell(n: Notification, c: Column): ReactNode {
  switch (c) {
    case "id":
      return (
        <Link href={`/notifications/${n.id}`} className="mono" title={n.id}>
          {shortId(n.id)}
        </Link>
      );
    case "user":
      return <Link href={`/users/${encodeURIComponent(n.userId)}`}>{n.userId}</Link>;
    case "type":
      return <span className="mono small">{n.type}</span>;
    case "channel":
      return CHANNEL_LABEL[n.channel] ?? n.channel;
    case "status":
      return (
        <>
          <StatusBadge status={n.status} />
          {n.reason && <div className="muted small">{n.reason.replaceAll("_", " ")}</div>}
        </>
      );
    case "provider":
      return n.provider ?? <span className="muted">—</span>;
    case "attempts":
      return n.retryCount + (n.status === "DEAD" || n.status === "FAILED" ? 1 : 0);
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

/** Notifications as a table; `actions` adds a last column (retry, discard…). */
export function NotificationTable({
  rows,
  columns,
  actions,
}: {
  rows: Notification[];
  columns: Column[];
  actions?: (n: Notification) => ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
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
              {actions && <td className="actions-col">{actions(n)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
