const TONE: Record<string, string> = {
  SENT: "ok",
  DELIVERED: "ok",
  READ: "ok",
  PENDING: "info",
  QUEUED: "info",
  SCHEDULED: "info",
  FAILED: "warn",
  DEAD: "bad",
  BOUNCED: "bad",
  COMPLAINED: "bad",
  SUPPRESSED: "muted",
  CANCELED: "muted",
  DIGESTED: "muted",
};

/** A notification status as a coloured pill; `data-status` lets tests and CSS find it. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${TONE[status] ?? "muted"}`} data-status={status}>
      <span className="dot" aria-hidden="true" />
      {status}
    </span>
  );
}

export function Badge({ tone = "muted", children }: { tone?: string; children: React.ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
