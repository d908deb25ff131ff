import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent, type RequestOptions } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import type { Duplex } from "node:stream";
import { addressRange } from "./address-range.ts";
import { NonPublicAddressError, publicOnlyLookup } from "./public-lookup.ts";

export interface PublicOnlyAgentOptions {
  /** Trusted CAs (HTTPS only); default: Node's. */
  ca?: string[] | undefined;
  /** The resolver whose answers are checked; default `dns.lookup` (tests pass their own). */
  resolve?: LookupFunction | undefined;
}

type Connect = (err: Error | null, stream: Duplex) => void;

/**
 * The agents' `createConnection`, but refusing an IP-literal host outside the
 * public Internet: Node connects to those without a lookup. The refusal goes
 * through the callback (the request emits it), so no socket is made.
 */
function connectPublicOnly(
  options: RequestOptions,
  callback: Connect | undefined,
  connect: (options: RequestOptions, callback?: Connect) => Duplex | null | undefined,
): Duplex | null | undefined {
  const host = String(options.host ?? options.hostname ?? "").replace(/^\[(.*)\]$/, "$1");
  const range = isIP(host) ? addressRange(host) : undefined;
  if (range === undefined) return connect(options, callback);
  const refused = new NonPublicAddressError(host, host, range);
  if (callback) {
    callback(refused, undefined as unknown as Duplex);
    return undefined;
  }
  throw refused;
}

/**
 * An HTTPS agent for destinations a user chose (web push endpoints, webhook
 * endpoints): it connects to public addresses only. Names go through
 * {@link publicOnlyLookup}, so the address checked is the one connected to
 * (no window for DNS rebinding); IP literals, which Node connects to without
 * a lookup, are checked as the connection is made. Either way the request
 * fails with {@link NonPublicAddressError} before a packet is sent.
 */
export class PublicOnlyAgent extends HttpsAgent {
  constructor(options: PublicOnlyAgentOptions = {}) {
    super({
      keepAlive: true,
      ...(options.ca ? { ca: options.ca } : {}),
      lookup: publicOnlyLookup(options.resolve),
    });
  }

  override createConnection(options: RequestOptions, callback?: Connect): Duplex | null | undefined {
    return connectPublicOnly(options, callback, (o, c) => super.createConnection(o, c));
  }
}

/** {@link PublicOnlyAgent} for plain `http:` URLs (`ca` is ignored). */
export class PublicOnlyHttpAgent extends HttpAgent {
  constructor(options: PublicOnlyAgentOptions = {}) {
    super({ keepAlive: true, lookup: publicOnlyLookup(options.resolve) });
  }

  override createConnection(options: RequestOptions, callback?: Connect): Duplex | null | undefined {
    return connectPublicOnly(options, callback, (o, c) => super.createConnection(o, c));
  }
}
