import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ApiError } from "../api/client.ts";

export function Loading({ label = "Loading…", rows = 3 }: { label?: string; rows?: number }) {
  return (
    <div className="state loading" role="status" aria-live="polite">
      <span className="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <div key={i} className="skeleton" style={{ width: `${92 - i * 14}%` }} />
      ))}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <div className="empty-icon" aria-hidden="true">
        ◌
      </div>
      <p className="empty-title">{title}</p>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const e = error instanceof ApiError ? error : null;
  return (
    <div className="state error" role="alert">
      <p className="empty-title">
        {e?.status === 403 ? "Not allowed" : e?.status === 404 ? "Not found" : "Something went wrong"}
      </p>
      <p className="empty-body">{error instanceof Error ? error.message : String(error)}</p>
      {e?.requestId && <p className="muted small">Request {e.requestId}</p>}
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/**
 * A refresh refused because the session ended: the page keeps what it shows
 * (and any unsaved edit in it) under the sign-in dialog rather than swap it
 * for an error, and refreshes once the user is back.
 */
export const keepsDataThrough = (query: { data?: unknown; error: unknown }) =>
  query.data !== undefined && query.error instanceof ApiError && query.error.status === 401;

/** Loading → error → empty → content, the same way on every page. */
export function QueryView<T>({
  query,
  isEmpty,
  empty,
  rows,
  children,
}: {
  query: UseQueryResult<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  rows?: number;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading {...(rows ? { rows } : {})} />;
  if (query.isError && !keepsDataThrough(query))
    return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  const data = query.data as T;
  if (isEmpty?.(data)) return <>{empty}</>;
  return <>{children(data)}</>;
}
