import type { ReactNode } from "react";
import type { PagedList } from "../paged-list.ts";
import { ErrorState, keepsDataThrough, Loading } from "./states.tsx";

/** "Load more" under a paged list, while the API says there is more. */
export function LoadMore({ query }: { query: PagedList<unknown>["query"] }) {
  if (!query.hasNextPage) return null;
  return (
    <div className="pad center load-more">
      <button
        type="button"
        className="btn"
        onClick={() => query.fetchNextPage()}
        disabled={query.isFetchingNextPage}
      >
        {query.isFetchingNextPage ? "Loading…" : "Load more"}
      </button>
      {query.isFetchNextPageError && (
        <p className="form-error" role="alert">
          {query.error?.message ?? "The next page did not load."} Try again.
        </p>
      )}
    </div>
  );
}

/**
 * A paged list the way {@link QueryView} shows one query: loading → error →
 * empty → the rows loaded so far, then "Load more" while there are others.
 */
export function PagedView<T>({
  list,
  empty,
  rows,
  children,
}: {
  list: PagedList<T>;
  empty?: ReactNode;
  /** Skeleton rows while the first page loads. */
  rows?: number;
  children: (rows: T[]) => ReactNode;
}) {
  const { query } = list;
  if (query.isPending) return <Loading {...(rows ? { rows } : {})} />;
  // An error of a later page leaves the rows already shown (LoadMore says it failed).
  if (query.isError && !query.isFetchNextPageError && !keepsDataThrough(query))
    return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  if (list.rows.length === 0) return <>{empty}</>;
  return (
    <>
      {children(list.rows)}
      <LoadMore query={query} />
    </>
  );
}
