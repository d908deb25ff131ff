/**
 * How many ids one bulk `seen` request (`POST /v1/users/:userId/inbox/seen`)
 * takes: a page of the feed (at most 100 items) fits in one. The API's schema
 * holds requests to it; the clients send longer lists in batches of it.
 */
export const MAX_SEEN_IDS = 100;
