import { archivedLoadingEnded, archivedLoadingStarted, archivedPageLoaded } from "./inbox-archive-state.ts";
import type { InboxClient } from "./inbox-client.ts";
import type { InboxState } from "./types.ts";

export interface ArchivedLoaderDeps {
  client: InboxClient;
  pageSize: number;
  getState(): InboxState;
  set(next: InboxState): void;
  /** A failed fetch, reported as the feed's are (a fatal refusal stops the store). */
  fail(err: unknown): void;
  closed(): boolean;
}

/**
 * Fetches the archived list's pages into the state. A first page asked for
 * again drops an older request's answer, and a next page begun before it.
 */
export function archivedLoader(deps: ArchivedLoaderDeps) {
  let generation = 0;
  const fetchPage = async (mode: "replace" | "append") => {
    const state = deps.getState();
    if (deps.closed() || (mode === "append" && (!state.archive.hasMore || state.archive.loading))) return;
    const mine = mode === "replace" ? ++generation : generation;
    deps.set(archivedLoadingStarted(state));
    try {
      const page = await deps.client.page({
        limit: deps.pageSize,
        archived: true,
        ...(mode === "append" ? { cursor: state.archive.cursor } : {}),
      });
      if (mine === generation && !deps.closed()) deps.set(archivedPageLoaded(deps.getState(), page, mode));
    } catch (err) {
      if (mine !== generation || deps.closed()) return;
      deps.set(archivedLoadingEnded(deps.getState()));
      deps.fail(err);
    }
  };
  return { load: () => fetchPage("replace"), loadMore: () => fetchPage("append") };
}
