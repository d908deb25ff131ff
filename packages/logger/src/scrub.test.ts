import { describe, expect, it } from "vitest";
import { scrub } from "./scrub.ts";

describe("scrub", () => {
  it("masks phone numbers however they are written", () => {
    for (const phone of [
      "+14155550100",
      "+1 415 555 0199",
      "(415) 555-0199",
      "415.555.0199",
      "06 12 34 56 78",
    ]) {
      const out = scrub(`Invalid 'To' Phone Number: ${phone}.`) as string;
      expect(out).toContain("[phone]");
      expect(out).not.toMatch(/\d/);
    }
  });

  it("keeps the deployment's own addresses, so a connection error says where", () => {
    for (const host of ["127.0.0.1", "10.0.3.7", "172.20.0.5", "192.168.1.20", "169.254.1.1", "0.0.0.0"])
      expect(scrub(`connect ECONNREFUSED ${host}:6379`)).toBe(`connect ECONNREFUSED ${host}:6379`);
  });

  it("masks other IPv4 addresses, which may be an end user's, as [ip], not [phone]", () => {
    expect(scrub("request from 203.0.113.9 refused")).toBe("request from [ip] refused");
    expect(scrub("x-forwarded-for: 198.51.100.23, 10.0.0.2")).toBe("x-forwarded-for: [ip], 10.0.0.2");
    // 172.32/12 is outside RFC 1918's 172.16/12.
    expect(scrub("from 172.32.0.1")).toBe("from [ip]");
  });

  it("keeps calendar dates and ISO times", () => {
    expect(scrub("digest for 2026-12-06 flushed")).toBe("digest for 2026-12-06 flushed");
    expect(scrub("purged before 2026-09-07T03:00:44.588Z")).toBe("purged before 2026-09-07T03:00:44.588Z");
    // Not a date (month 13): masked as a phone number would be.
    expect(scrub("call 2026-13-06 now")).toBe("call [phone] now");
  });

  it("drops the parameters a failed query's error quotes, in its message and its stack", () => {
    const params =
      'usr_06h4pvv6,pii-1,{"fullName":"Grace Brewster Hopper","street":"12 Navy Yard Road\nApt 3"}';
    const err = new Error(`Failed query: insert into "recipients" values ($1, $2, $3)\nparams: ${params}`);
    err.name = "DrizzleQueryError";
    const out = scrub(err) as { message: string; stack: string };
    expect(out.message).toBe(
      'Failed query: insert into "recipients" values ($1, $2, $3)\nparams: [redacted]',
    );
    expect(out.stack).toMatch(/^DrizzleQueryError: Failed query: .*\nparams: \[redacted\]\n\s+at /);
    expect(JSON.stringify(out)).not.toMatch(/Hopper|pii-1|Navy/);
  });

  it("masks inside errors and nested values", () => {
    const out = scrub({
      err: new Error("twilio: +14155550100 from 203.0.113.9"),
      nested: { note: "ok 10.1.2.3" },
    });
    expect(JSON.stringify(out)).not.toMatch(/4155550100|203\.0\.113/);
    expect(JSON.stringify(out)).toContain("ok 10.1.2.3");
  });
});
