import { scrubText } from "@herald/logger";

/**
 * The error a job fails with, its message and stack masked as the logs mask
 * them (addresses, phone numbers, keys, public IPs). BullMQ keeps both in
 * Redis for as long as it keeps the failed job (a week; Bull Board shows
 * them), where an erase does not reach; providers quote the address they
 * refused. The notification's `last_error` in PostgreSQL keeps the whole
 * text for the dashboard, and the erase clears that one. Masks in place, so
 * the error keeps its class (`UnrecoverableError` must stay one).
 */
export function maskJobError<E>(err: E): E {
  if (!(err instanceof Error)) return err;
  err.message = scrubText(err.message);
  if (err.stack) err.stack = scrubText(err.stack);
  return err;
}
