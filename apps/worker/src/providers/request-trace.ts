import { AsyncLocalStorage } from "node:async_hooks";
import { subscribe } from "node:diagnostics_channel";

/** What Node's HTTP client (undici, behind `fetch`) did with the requests started inside a traced call. */
export interface RequestTrace {
  /** A request was handed to the HTTP client (its `undici:request:create` was seen). */
  dispatched: boolean;
  /** The first byte of a request was about to be written to a socket (`undici:client:sendHeaders`). */
  written: boolean;
}

const current = new AsyncLocalStorage<RequestTrace>();
const owners = new WeakMap<object, RequestTrace>();
let listening = false;

// Why diagnostics channels: an SDK that swallows fetch's errors (Resend's answers a refused
// connection and a lost answer alike, `statusCode: null`) and takes no custom fetch leaves
// no other way to tell whether a request left this process. undici publishes these channels
// for Node's built-in fetch and for the npm package alike; `request:create` runs inside the
// caller's async context (so it finds the trace), `sendHeaders` may run in another request's
// (a reused keep-alive socket), so it finds the trace through the request object instead.
function listen(): void {
  if (listening) return;
  listening = true;
  subscribe("undici:request:create", (message) => {
    const trace = current.getStore();
    const request = (message as { request?: object }).request;
    if (!trace || !request) return;
    trace.dispatched = true;
    owners.set(request, trace);
  });
  subscribe("undici:client:sendHeaders", (message) => {
    const request = (message as { request?: object }).request;
    const trace = request ? owners.get(request) : undefined;
    if (trace) trace.written = true;
  });
}

/**
 * Runs `call` and reports whether the HTTP requests it made were written to
 * the network. undici checks for an abort right before writing a request
 * and publishes `sendHeaders` only after that check, so a request not
 * written by the time `call` settled (after our timeout aborted it, say) is
 * never written: the server provably never saw it.
 */
export async function traceRequests<T>(call: () => Promise<T>): Promise<{ value: T; trace: RequestTrace }> {
  listen();
  const trace: RequestTrace = { dispatched: false, written: false };
  const value = await current.run(trace, call);
  return { value, trace };
}

/**
 * Whether the server may have received a request of the traced call. Only a
 * request seen handed to the HTTP client and never written is proof that it
 * did not; without the client's channels (another fetch implementation) we
 * cannot tell, and say it may have.
 */
export const mayHaveReachedServer = (trace: RequestTrace): boolean => trace.written || !trace.dispatched;
