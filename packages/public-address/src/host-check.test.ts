import { describe, expect, it } from "vitest";
import { nonPublicHost } from "./host-check.ts";

const hostOf = (url: string) => new URL(url).hostname;

describe("nonPublicHost", () => {
  it.each([
    ["https://127.0.0.1/", "127.0.0.1 is a non-public address (loopback)"],
    ["https://10.0.0.5/", "10.0.0.5 is a non-public address (private)"],
    ["https://169.254.169.254/latest/meta-data", "169.254.169.254 is a non-public address (link-local)"],
    ["https://[::1]/", "::1 is a non-public address (loopback)"],
    ["https://[fe80::1]/", "fe80::1 is a non-public address (link-local)"],
    ["https://[::ffff:192.168.0.1]/", "::ffff:c0a8:1 is a non-public address (private)"],
    ["https://localhost:6379/", "localhost is this machine (localhost)"],
    ["https://LocalHost./", "localhost is this machine (localhost)"],
    ["https://push.localhost/", "push.localhost is this machine (localhost)"],
    ["https://0.0.0.0/", "0.0.0.0 is a non-public address (this-network)"],
    // The WHATWG parser turns other IPv4 spellings into dotted quads first.
    ["https://0x7f.1/", "127.0.0.1 is a non-public address (loopback)"],
    ["https://2130706433/", "127.0.0.1 is a non-public address (loopback)"],
    ["https://017700000001/", "127.0.0.1 is a non-public address (loopback)"],
    // Names that only a local network resolves (a compose service, a search domain, mDNS).
    ["https://redis:6379/", "redis is a single-label name, which only a local network resolves"],
    ["https://intranet/", "intranet is a single-label name, which only a local network resolves"],
    ["https://printer.local/", "printer.local is under .local, which only a local network resolves"],
    [
      "https://push.corp.INTERNAL./",
      "push.corp.internal is under .internal, which only a local network resolves",
    ],
    ["https://nas.home.arpa/", "nas.home.arpa is under .home.arpa, which only a local network resolves"],
  ])("refuses %s", (url, reason) => {
    expect(nonPublicHost(hostOf(url))).toBe(reason);
  });

  it.each([
    "https://fcm.googleapis.com/fcm/send/abc",
    "https://updates.push.services.mozilla.com/wpush/v2/abc",
    "https://8.8.8.8/",
    "https://[2606:4700:4700::1111]/",
    // Names are judged once resolved (publicOnlyLookup), not by how they look.
    "https://localhost.example.com/",
    "https://push.internal.example.com/",
    "https://local.example/",
    "https://home.arpa.example.com/",
  ])("leaves %s", (url) => {
    expect(nonPublicHost(hostOf(url))).toBeUndefined();
  });
});
