import { isIP } from "node:net";
import { addressRange } from "./address-range.ts";

/**
 * Why a URL's host cannot be a public destination, or undefined when it may
 * be. Takes WHATWG `URL.hostname` (IPv6 in brackets, IPv4 already in
 * dotted form, maybe a trailing dot). Refused: IP literals in a
 * special-purpose range and `localhost`/`*.localhost` (RFC 6761: always this
 * machine). Any other name is only known once resolved, which is
 * {@link publicOnlyLookup}'s part.
 */
export function nonPublicHost(hostname: string): string | undefined {
  const host = hostname
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.+$/, "")
    .toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return `${host} is this machine (localhost)`;
  if (isIP(host) === 0) return undefined;
  const range = addressRange(host);
  return range === undefined ? undefined : `${host} is a non-public address (${range})`;
}
