// postgres.js connection failures (its own codes and the socket's errno) and
// the SQLSTATEs a server sends while it shuts down, starts up or is full.
// Drizzle wraps query errors (`DrizzleQueryError`), so the cause chain is walked.
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up)
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "53300", // too_many_connections
]);

/**
 * Whether `err` means "PostgreSQL could not be reached", as opposed to a
 * query that PostgreSQL answered with an error. The first kind is worth
 * waiting out; the second is not.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 6; depth++) {
    const x = e as { name?: unknown; code?: unknown; errno?: unknown; cause?: unknown; errors?: unknown };
    // A provider's failure (`DeliveryError` from @herald/errors, which this package does not
    // depend on) carries its own socket's code, ECONNREFUSED included: an SMS provider that
    // refuses connections is not PostgreSQL, and waiting it out as one never used an attempt.
    if (x.name === "DeliveryError") return false;
    if (typeof x.code === "string" && UNAVAILABLE_CODES.has(x.code)) return true;
    // `connect ECONNREFUSED` from several addresses arrives as an AggregateError.
    if (Array.isArray(x.errors) && x.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    e = x.cause;
  }
  return false;
}
