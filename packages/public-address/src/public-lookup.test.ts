import type { LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import { describe, expect, it } from "vitest";
import { isNonPublicAddressError, NonPublicAddressError, publicOnlyLookup } from "./public-lookup.ts";

/** A resolver with fixed answers, recording what it was asked. */
function fakeDns(answers: Record<string, LookupAddress[]>) {
  const asked: { hostname: string; all: boolean | undefined }[] = [];
  const resolve: LookupFunction = (hostname, options, callback) => {
    asked.push({ hostname, all: options.all });
    const found = answers[hostname];
    if (!found) return callback(Object.assign(new Error("not found"), { code: "ENOTFOUND" }), "");
    callback(null, options.all ? found : found[0]!.address, found[0]?.family);
  };
  return { resolve, asked };
}

type Answer = { err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };

function ask(lookup: LookupFunction, hostname: string, all: boolean): Promise<Answer> {
  return new Promise((done) =>
    lookup(hostname, { all }, (err, address, family) => done({ err, address, family })),
  );
}

const dns = fakeDns({
  "push.example.com": [{ address: "142.250.74.46", family: 4 }],
  "internal.example.com": [{ address: "10.0.0.5", family: 4 }],
  "metadata.example.com": [{ address: "169.254.169.254", family: 4 }],
  "v6-loopback.example.com": [{ address: "::1", family: 6 }],
  "mixed.example.com": [
    { address: "127.0.0.1", family: 4 },
    { address: "2a00:1450:4007:80e::200a", family: 6 },
    { address: "142.250.74.46", family: 4 },
  ],
});
const lookup = publicOnlyLookup(dns.resolve);

describe("publicOnlyLookup", () => {
  it("answers a public address in the shape asked for", async () => {
    expect(await ask(lookup, "push.example.com", false)).toEqual({
      err: null,
      address: "142.250.74.46",
      family: 4,
    });
    expect(await ask(lookup, "push.example.com", true)).toMatchObject({
      err: null,
      address: [{ address: "142.250.74.46", family: 4 }],
    });
  });

  it.each([
    ["internal.example.com", "10.0.0.5", "private"],
    ["metadata.example.com", "169.254.169.254", "link-local"],
    ["v6-loopback.example.com", "::1", "loopback"],
  ])("refuses %s (%s)", async (hostname, address, range) => {
    for (const all of [false, true]) {
      const { err } = await ask(lookup, hostname, all);
      expect(err).toBeInstanceOf(NonPublicAddressError);
      expect(isNonPublicAddressError(err)).toBe(true);
      expect(err).toMatchObject({ code: "ERR_NON_PUBLIC_ADDRESS", host: hostname, address, range });
      expect(err!.message).toBe(`${hostname} resolves to a non-public address (${address}, ${range})`);
    }
  });

  it("offers only the public addresses of a name that also lists private ones", async () => {
    expect(await ask(lookup, "mixed.example.com", true)).toMatchObject({
      err: null,
      address: [
        { address: "2a00:1450:4007:80e::200a", family: 6 },
        { address: "142.250.74.46", family: 4 },
      ],
    });
    expect(await ask(lookup, "mixed.example.com", false)).toEqual({
      err: null,
      address: "2a00:1450:4007:80e::200a",
      family: 6,
    });
  });

  it("always asks the resolver for every address, and passes its errors on", async () => {
    dns.asked.length = 0;
    const { err } = await ask(lookup, "nowhere.example.com", false);
    expect(err).toMatchObject({ code: "ENOTFOUND" });
    expect(isNonPublicAddressError(err)).toBe(false);
    expect(dns.asked).toEqual([{ hostname: "nowhere.example.com", all: true }]);
  });

  it("guards the real resolver too: localhost never comes back", async () => {
    const { err } = await ask(publicOnlyLookup(), "localhost", false);
    expect(isNonPublicAddressError(err)).toBe(true);
    expect((err as NonPublicAddressError).range).toBe("loopback");
  });
});
