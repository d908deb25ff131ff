import type { IncomingMessage } from "node:http";
import { isIPv6 } from "node:net";
import { ipv6Groups } from "@herald/public-address";
import type { Context } from "hono";

/** What @hono/node-server puts in `c.env`: the request's socket (absent under `app.request()`). */
interface NodeBindings {
  incoming?: IncomingMessage;
  server?: { incoming?: IncomingMessage };
}

/** Stands for "no address known" (an in-process request): such callers share one budget. */
export const UNKNOWN_ADDRESS = "unknown";

/**
 * An IPv6 address's /64: one subscriber usually holds a whole /64, so a
 * budget per full address would give them 2^64 budgets.
 */
const ipv6Network = (address: string) =>
  `${ipv6Groups(address)
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;

/** An address as written: brackets and zone ids dropped, IPv4-mapped IPv6 as IPv4. */
export function plainAddress(raw: string): string {
  const address = raw
    .trim()
    .replace(/^\[|\]$/g, "")
    .replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** One spelling per client: IPv4-mapped IPv6 as IPv4, IPv6 as its /64, zone ids dropped. */
export function normalizeAddress(raw: string): string {
  const address = plainAddress(raw);
  return isIPv6(address) ? ipv6Network(address) : address;
}

/**
 * The address a request came from, as its client's one spelling (an IPv6
 * caller's /64), for per-client budgets; {@link UNKNOWN_ADDRESS} without a
 * socket. See {@link clientIp} for which address that is.
 */
export function clientAddress(c: Context, trustedHops: number): string {
  const ip = clientIp(c, trustedHops);
  return ip === null ? UNKNOWN_ADDRESS : normalizeAddress(ip);
}

/**
 * The address a request came from, in full (the audit log records it).
 * `trustedHops` is `TRUST_PROXY`: 0 takes the socket's peer and ignores
 * `X-Forwarded-For` (anyone can send one); N > 0 trusts that many proxies in
 * front of the API, each of which appends the address it was reached from, so
 * the client is the N-th entry from the right (the leftmost when the list is
 * shorter). Null without a socket (`app.request()` in tests).
 */
export function clientIp(c: Context, trustedHops: number): string | null {
  const bindings = c.env as NodeBindings | undefined;
  const socket = (bindings?.server?.incoming ?? bindings?.incoming)?.socket;
  const peer = socket?.remoteAddress ?? null;
  const forwarded =
    trustedHops <= 0
      ? []
      : (c.req.header("x-forwarded-for") ?? "")
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
  if (forwarded.length === 0) return peer === null ? null : plainAddress(peer);
  return plainAddress(forwarded[Math.max(0, forwarded.length - trustedHops)]!);
}
