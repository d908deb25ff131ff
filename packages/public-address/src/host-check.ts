import { isIP } from "node:net";
import { addressRange } from "./address-range.ts";

/**
 * Why a URL's host cannot be a public destination, or undefined when it may
 * be. Takes WHATWG `URL.hostname` (IPv6 in brackets, IPv4 already in
 * dotted form, maybe a trailing dot). Refused: IP literals in a
 * special-purpose range, `localhost`/`*.localhost` (RFC 6761: always this
 * machine), and names only a local network resolves: single labels
 * (`redis`, `intranet`: a container's or a search domain's) and the
 * private-use domains `.local` (mDNS), `.internal` and `.home.arpa`. Any
 * other name is only known once resolved, which is
 * {@link publicOnlyLookup}'s part.
 */
export function nonPublicHost(hostname: string): string | undefined {
  const host = hostname
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.+$/, "")
    .toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return `${host} is this machine (localhost)`;
  if (isIP(host) === 0) return localOnlyName(host);
  const range = addressRange(host);
  return range === undefined ? undefined : `${host} is a non-public address (${range})`;
}

const PRIVATE_USE_DOMAINS = ["local", "internal", "home.arpa"];

function localOnlyName(host: string): string | undefined {
  if (!host.includes(".")) return `${host} is a single-label name, which only a local network resolves`;
  const domain = PRIVATE_USE_DOMAINS.find((d) => host === d || host.endsWith(`.${d}`));
  return domain ? `${host} is under .${domain}, which only a local network resolves` : undefined;
}
