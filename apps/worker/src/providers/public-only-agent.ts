import { Agent, type RequestOptions } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import type { Duplex } from "node:stream";
import { addressRange, NonPublicAddressError, publicOnlyLookup } from "@herald/public-address";

export interface PublicOnlyAgentOptions {
  /** Trusted CAs (`providerCa`); default: Node's. */
  ca?: string[] | undefined;
  /** The resolver whose answers are checked; default `dns.lookup` (tests pass their own). */
  resolve?: LookupFunction;
}

/**
 * An HTTPS agent for destinations a user chose (web push endpoints): it
 * connects to public addresses only. Names go through `publicOnlyLookup`,
 * so the address checked is the one connected to (no window for DNS
 * rebinding); IP literals, which Node connects to without a lookup, are
 * checked here. Either way the request fails with `NonPublicAddressError`
 * before a packet is sent.
 */
export class PublicOnlyAgent extends Agent {
  constructor(options: PublicOnlyAgentOptions = {}) {
    super({
      keepAlive: true,
      ...(options.ca ? { ca: options.ca } : {}),
      lookup: publicOnlyLookup(options.resolve),
    });
  }

  override createConnection(
    options: RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const host = String(options.host ?? options.hostname ?? "").replace(/^\[(.*)\]$/, "$1");
    const range = isIP(host) ? addressRange(host) : undefined;
    if (range !== undefined) {
      const refused = new NonPublicAddressError(host, host, range);
      // The agent takes an error through the callback: the request emits it, no socket is made.
      if (callback) {
        callback(refused, undefined as unknown as Duplex);
        return undefined;
      }
      throw refused;
    }
    return super.createConnection(options, callback);
  }
}
