import { type QueryKey, type UseInfiniteQueryResult, useInfiniteQuery } from "@tanstack/react-query";
import { useMemo } from "react";

/** One page of an API list (`{data, nextCursor}`, SPEC §4). */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface PagedList<T> {
  query: UseInfiniteQueryResult<{ pages: Page<T>[] }>;
  /** Every row of the pages loaded so far, in order, each once. */
  rows: T[];
}

/**
 * A cursor-paged list that grows with "Load more": the first page, then the
 * next one for each `fetchNextPage`. Polling refetches every loaded page, so
 * rows keep their place. A row that moved to a later page meanwhile (a user
 * search is ordered by last update) is shown once, where it was first seen.
 */
export function usePagedList<T extends { id: string }>(options: {
  queryKey: QueryKey;
  page: (cursor: string | undefined) => Promise<Page<T>>;
  refetchInterval?: number | false;
  enabled?: boolean;
}): PagedList<T> {
  const query = useInfiniteQuery({
    queryKey: options.queryKey,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => options.page(pageParam),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: options.refetchInterval ?? false,
    enabled: options.enabled ?? true,
  });
  const rows = useMemo(() => uniqueRows(query.data?.pages ?? []), [query.data]);
  return { query, rows };
}

/** The pages' rows in order, a repeated id kept at its first place. */
export function uniqueRows<T extends { id: string }>(pages: Page<T>[]): T[] {
  const seen = new Set<string>();
  const rows: T[] = [];
  for (const page of pages) {
    for (const row of page.data) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      rows.push(row);
    }
  }
  return rows;
}
