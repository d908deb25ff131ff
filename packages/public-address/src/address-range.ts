import { BlockList, isIP } from "node:net";

/** A named special-purpose block: `[name, network, prefix length]`. */
type Range = readonly [name: string, network: string, prefix: number];

// IANA's IPv4 special-purpose registry: nothing here is a push service on the Internet.
// Node's BlockList also matches IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) against these.
const IPV4_RANGES: Range[] = [
  ["this-network", "0.0.0.0", 8],
  ["private", "10.0.0.0", 8],
  ["shared (CGNAT)", "100.64.0.0", 10],
  ["loopback", "127.0.0.0", 8],
  ["link-local", "169.254.0.0", 16],
  ["private", "172.16.0.0", 12],
  ["IETF protocol", "192.0.0.0", 24],
  ["documentation", "192.0.2.0", 24],
  ["6to4 relay", "192.88.99.0", 24],
  ["private", "192.168.0.0", 16],
  ["benchmarking", "198.18.0.0", 15],
  ["documentation", "198.51.100.0", 24],
  ["documentation", "203.0.113.0", 24],
  ["multicast", "224.0.0.0", 4],
  ["reserved", "240.0.0.0", 4],
];

// IPv6 is public only inside global unicast (2000::/3); these name what lies outside for messages.
const IPV6_OUTSIDE: Range[] = [
  ["unspecified", "::", 128],
  ["loopback", "::1", 128],
  ["IPv4-compatible", "::", 96],
  ["discard-only", "100::", 64],
  ["NAT64 local-use", "64:ff9b:1::", 48],
  ["unique-local", "fc00::", 7],
  ["link-local", "fe80::", 10],
  ["site-local", "fec0::", 10],
  ["multicast", "ff00::", 8],
];

// Inside 2000::/3 but not a destination on the Internet, or a tunnel to an IPv4 address we cannot see.
const IPV6_INSIDE: Range[] = [
  ["IETF protocol (Teredo…)", "2001::", 23],
  ["documentation", "2001:db8::", 32],
  ["6to4", "2002::", 16],
  ["documentation", "3fff::", 20],
];

function blockLists(ranges: Range[], type: "ipv4" | "ipv6"): [string, BlockList][] {
  return ranges.map(([name, network, prefix]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, type);
    return [name, list];
  });
}

const V4 = blockLists(IPV4_RANGES, "ipv4");
const V6_OUTSIDE = blockLists(IPV6_OUTSIDE, "ipv6");
const V6_INSIDE = blockLists(IPV6_INSIDE, "ipv6");
const [[, GLOBAL_UNICAST], [, MAPPED], [, NAT64]] = blockLists(
  [
    ["global unicast", "2000::", 3],
    ["IPv4-mapped", "::ffff:0:0", 96],
    ["NAT64", "64:ff9b::", 96],
  ],
  "ipv6",
) as [[string, BlockList], [string, BlockList], [string, BlockList]];

/** The eight 16-bit groups of a valid IPv6 address (zone id dropped, trailing dotted quad allowed). */
export function ipv6Groups(address: string): number[] {
  let text = address.replace(/%.*$/, "");
  const tail: number[] = [];
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    text = text.slice(0, quad.index);
    if (text.endsWith(":") && !text.endsWith("::")) text = text.slice(0, -1);
  }
  const words = (part: string | undefined) =>
    part ? part.split(":").map((h) => Number.parseInt(h, 16)) : [];
  const [head, rest] = text.split("::");
  const left = words(head);
  const right = [...words(rest), ...tail];
  if (rest === undefined) return [...left, ...right];
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** The IPv4 address in an IPv6 address's last 32 bits (NAT64's 64:ff9b::/96). */
function embeddedIpv4(address: string): string {
  const groups = ipv6Groups(address);
  const [hi, lo] = [groups[6] ?? 0, groups[7] ?? 0];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

const first = (lists: [string, BlockList][], address: string, type: "ipv4" | "ipv6") =>
  lists.find(([, list]) => list.check(address, type))?.[0];

/**
 * The special-purpose range an IP address (v4 or v6 literal, without
 * brackets) lies in, e.g. `"loopback"`, `"private"`; undefined for an
 * address on the public Internet. IPv4-mapped and NAT64 (64:ff9b::/96)
 * addresses are judged by the IPv4 address they carry. Anything that is not
 * an IP address is `"not an IP address"`, never public.
 */
export function addressRange(address: string): string | undefined {
  const family = isIP(address);
  if (family === 4) return first(V4, address, "ipv4");
  if (family !== 6) return "not an IP address";
  const bare = address.replace(/%.*$/, "");
  // Mapped addresses reach the IPv4 host itself; BlockList matches them against the IPv4 rules.
  if (MAPPED.check(bare, "ipv6")) return first(V4, bare, "ipv6");
  // A NAT64 gateway forwards to the embedded IPv4 address: public only if that one is.
  if (NAT64.check(bare, "ipv6")) return first(V4, embeddedIpv4(bare), "ipv4");
  if (!GLOBAL_UNICAST.check(bare, "ipv6")) return first(V6_OUTSIDE, bare, "ipv6") ?? "not global unicast";
  return first(V6_INSIDE, bare, "ipv6");
}

/** Whether `address` (an IP literal) is on the public Internet; see {@link addressRange}. */
export function isPublicAddress(address: string): boolean {
  return addressRange(address) === undefined;
}
