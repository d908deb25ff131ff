import { InboxRequestError } from "./inbox-client.ts";
import type { InboxError } from "./types.ts";

/** A failed request as the UI is told about it. */
export function describeError(err: unknown): InboxError {
  if (err instanceof InboxRequestError) {
    if (err.status === 401) return { kind: "unauthorized", status: 401, message: err.message };
    if (err.status === 403) return { kind: "forbidden", status: 403, message: err.message };
    if (err.status === 0) return { kind: "network", message: err.message };
    return { kind: "server", status: err.status, message: err.message };
  }
  return { kind: "server", message: (err as Error)?.message ?? String(err) };
}

/** A fatal error: the token is refused for good, or belongs to someone else. */
export const isFatal = (e: InboxError) => e.kind === "unauthorized" || e.kind === "forbidden";
