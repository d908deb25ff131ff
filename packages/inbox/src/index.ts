export { createInbox } from "./create-inbox.ts";
export { InboxRequestError } from "./inbox-client.ts";
export { type InboxPage, initialInboxState } from "./inbox-state.ts";
export type { CreateInboxOptions, InboxStore } from "./inbox-store.ts";
export type {
  ArchivedItems,
  Channel,
  ChannelSwitches,
  DigestMode,
  InboxConnection,
  InboxCounts,
  InboxError,
  InboxItem,
  InboxState,
  Preferences,
  PreferencesPatch,
} from "./types.ts";
