import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import { addressRange } from "./address-range.ts";

/** `code` of {@link NonPublicAddressError}. */
export const NON_PUBLIC_ADDRESS = "ERR_NON_PUBLIC_ADDRESS";

/** A connection refused before it was made: its destination is not on the public Internet. */
export class NonPublicAddressError extends Error {
  readonly code = NON_PUBLIC_ADDRESS;
  /** The host asked for: a name, or the IP literal itself. */
  readonly host: string;
  /** The address it is (or resolved to). */
  readonly address: string;
  /** Its range, as {@link addressRange} names it. */
  readonly range: string;

  constructor(host: string, address: string, range: string) {
    super(
      host === address
        ? `${address} is a non-public address (${range})`
        : `${host} resolves to a non-public address (${address}, ${range})`,
    );
    this.name = "NonPublicAddressError";
    this.host = host;
    this.address = address;
    this.range = range;
  }
}

/** Whether `err` is a {@link NonPublicAddressError}, by its code (it crosses SDKs' error handling untouched). */
export function isNonPublicAddressError(err: unknown): err is NonPublicAddressError {
  return (err as { code?: unknown } | null)?.code === NON_PUBLIC_ADDRESS;
}

/**
 * A `lookup` for `net`/`tls`/agents that answers public addresses only, so a
 * name cannot lead a connection to loopback, the LAN or cloud metadata, even
 * when its DNS changes between a check and the connection (the check is the
 * connection's own resolution). When a name resolves to public and non-public
 * addresses, only the public ones are offered; when to none, the lookup fails
 * with {@link NonPublicAddressError}. Node skips `lookup` for IP literals:
 * check those with {@link addressRange} before connecting.
 *
 * @param resolve the resolver asked; default `dns.lookup` (tests pass their own).
 */
export function publicOnlyLookup(resolve: LookupFunction = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    // Every address is asked for, so a public one listed after a private one is still found.
    resolve(hostname, { ...options, all: true }, (err, found) => {
      if (err) return callback(err, "");
      const all = typeof found === "string" ? [{ address: found, family: 0 }] : found;
      const usable = all.filter((a: LookupAddress) => addressRange(a.address) === undefined);
      const chosen = usable[0];
      if (!chosen) {
        const refused = all[0];
        const error = refused
          ? new NonPublicAddressError(hostname, refused.address, addressRange(refused.address) ?? "")
          : Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
        return callback(error, "");
      }
      if (options.all) return callback(null, usable);
      callback(null, chosen.address, chosen.family);
    });
  };
}
