import type { Context } from "hono";
import { describe, expect, it } from "vitest";
import { clientAddress, clientIp, normalizeAddress, UNKNOWN_ADDRESS } from "./client-address.ts";

/** A request as @hono/node-server hands it over: the socket's peer and the headers. */
function request(peer: string | undefined, forwardedFor?: string): Context {
  return {
    env: peer === undefined ? undefined : { incoming: { socket: { remoteAddress: peer } } },
    req: { header: (name: string) => (name === "x-forwarded-for" ? forwardedFor : undefined) },
  } as unknown as Context;
}

describe("clientAddress", () => {
  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddress(request("192.0.2.10", "203.0.113.1"), 0)).toBe("192.0.2.10");
    expect(clientAddress(request(undefined, "203.0.113.1"), 0)).toBe(UNKNOWN_ADDRESS);
  });

  it("takes the N-th forwarded address from the right with N trusted proxies", () => {
    const forwarded = "198.51.100.1, 203.0.113.5, 10.0.0.2";
    expect(clientAddress(request("10.0.0.3", forwarded), 1)).toBe("10.0.0.2");
    expect(clientAddress(request("10.0.0.3", forwarded), 2)).toBe("203.0.113.5");
    // Fewer entries than proxies: the leftmost one.
    expect(clientAddress(request("10.0.0.3", forwarded), 5)).toBe("198.51.100.1");
    // No header: the peer.
    expect(clientAddress(request("10.0.0.3"), 1)).toBe("10.0.0.3");
  });

  it("spells one client one way: IPv4-mapped as IPv4, IPv6 as its /64", () => {
    expect(normalizeAddress("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(normalizeAddress("2001:db8:0:1:aaaa::1")).toBe("2001:db8:0:1::/64");
    expect(normalizeAddress("2001:0db8:0000:0001:bbbb:cccc:dddd:eeee")).toBe("2001:db8:0:1::/64");
    expect(normalizeAddress("[2001:db8::1]")).toBe("2001:db8:0:0::/64");
    expect(normalizeAddress("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(normalizeAddress("::1")).toBe("0:0:0:0::/64");
  });
});

describe("clientIp", () => {
  it("is the same client in full: an IPv6 address whole, null when there is no socket", () => {
    expect(clientIp(request("2001:db8:0:1:aaaa::1"), 0)).toBe("2001:db8:0:1:aaaa::1");
    expect(clientIp(request("::ffff:192.0.2.7", "203.0.113.1"), 0)).toBe("192.0.2.7");
    expect(clientIp(request("10.0.0.3", "198.51.100.1, [2001:db8::9]"), 1)).toBe("2001:db8::9");
    expect(clientIp(request(undefined, "203.0.113.1"), 0)).toBeNull();
    expect(clientIp(request(undefined, "203.0.113.1"), 1)).toBe("203.0.113.1");
  });
});
