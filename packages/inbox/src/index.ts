export { type CreateInboxOptions, createInbox, type InboxStore } from "./create-inbox.ts";
export { InboxRequestError } from "./inbox-client.ts";
export { type InboxPage, initialInboxState } from "./inbox-state.ts";
export type { InboxConnection, InboxCounts, InboxError, InboxItem, InboxState } from "./types.ts";
