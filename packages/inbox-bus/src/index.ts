export {
  compareStreamIds,
  type InboxEvent,
  type InboxMessage,
  inboxChannel,
  inboxLogKey,
  isStreamId,
  parseInboxMessage,
} from "./inbox-events.ts";
export { InboxHub, type InboxListener } from "./inbox-hub.ts";
export { INBOX_LOG_LENGTH, INBOX_LOG_TTL_MS, publishInboxEvent } from "./publish.ts";
export { latestInboxEventId, type Replay, readInboxEventsAfter } from "./replay.ts";
