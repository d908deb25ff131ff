import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./create-logger.ts";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger({ level: "info", destination }) };
}

describe("createLogger", () => {
  it("never writes e-mails, phone numbers or keys, wherever they hide", () => {
    const { lines, logger } = capture();
    logger.info({ email: "ann@example.com", nested: { to: "+14155550100" } }, "sent to bob@example.org");
    logger.error({ err: new Error("Invalid 'To' Phone Number: +1 415 555 0199") }, "failed hk_live_abc123");
    logger.info({ url: "/v1/users/zoe%40example.net/devices" }, "GET /v1/users/Zoe%40Example.NET");
    const out = lines.join("");
    // The numbers' own digits, not "415" alone: a pid or a timestamp may contain that.
    expect(out).not.toMatch(/example\.(com|org|net)|555[\s-]?01(00|99)|hk_live_abc123/i);
    expect(out).toContain("[email]");
    expect(out).toContain("[phone]");
  });
});
