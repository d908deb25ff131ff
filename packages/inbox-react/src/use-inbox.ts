import type { InboxState, InboxStore } from "@herald/inbox";
import { useSyncExternalStore } from "react";

/** The store's state, re-rendering on every change. */
export function useInbox(store: InboxStore): InboxState {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
