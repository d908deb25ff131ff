import { describe, expect, it } from "vitest";
import { classifySmtpError } from "./smtp-provider.ts";

/** nodemailer's error for a refused command: `code`, the reply, its code and the command (see its `_formatError`). */
const refused = (command: string, response: string, code = "EENVELOPE") =>
  Object.assign(new Error(`failed: ${response}`), {
    code,
    response,
    responseCode: Number(response.slice(0, 3)),
    command,
  });
const kindOf = (err: unknown) => classifySmtpError(err).kind;

describe("classifySmtpError", () => {
  it("fails a 5xx about this message for good: a recipient refused, or the message refused after its data", () => {
    expect(kindOf(refused("RCPT TO", "550 5.1.1 <x@example.com>: Recipient address rejected"))).toBe(
      "permanent",
    );
    expect(kindOf(refused("DATA", "554 5.7.1 Message rejected as spam", "EMESSAGE"))).toBe("permanent");
    expect(kindOf(refused("DATA", "554 5.5.1 Error: no valid recipients"))).toBe("permanent");
  });

  it("keeps a 5xx about our server or account transient: greeting, EHLO, AUTH, MAIL FROM", () => {
    expect(kindOf(refused("CONN", "554 5.7.1 Your IP is blocked", "EPROTOCOL"))).toBe("transient");
    expect(kindOf(refused("EHLO", "550 5.7.1 Not allowed", "ECONNECTION"))).toBe("transient");
    expect(kindOf(refused("AUTH PLAIN", "535 5.7.8 Authentication credentials invalid", "EAUTH"))).toBe(
      "transient",
    );
    expect(kindOf(refused("MAIL FROM", "550 5.7.1 Sender address rejected: not owned by user"))).toBe(
      "transient",
    );
    expect(kindOf(refused("MAIL FROM", "553 5.7.1 Domain not verified"))).toBe("transient");
  });

  it("keeps 4xx and 503 (bad sequence: the session's state) transient wherever they come", () => {
    expect(kindOf(refused("RCPT TO", "450 4.2.0 Mailbox busy"))).toBe("transient");
    expect(kindOf(refused("DATA", "451 4.3.0 Try again later", "EMESSAGE"))).toBe("transient");
    expect(kindOf(refused("RCPT TO", "503 5.5.1 Bad sequence of commands"))).toBe("transient");
  });

  it("without a reply: connection, proxy, pool and setup failures are transient, a bad envelope or message is not", () => {
    for (const code of [
      "ECONNECTION",
      "ETIMEDOUT",
      "ESOCKET",
      "EDNS",
      "ETLS",
      "EPROXY",
      "EMAXLIMIT",
      "ENOAUTH",
    ])
      expect([code, kindOf(Object.assign(new Error("x"), { code }))]).toEqual([code, "transient"]);
    for (const code of ["EENVELOPE", "EMESSAGE"])
      expect([code, kindOf(Object.assign(new Error("x"), { code }))]).toEqual([code, "permanent"]);
  });

  it("calls a failure without a reply after the message data was sent ambiguous: the server may have queued it", () => {
    for (const code of ["ETIMEDOUT", "ECONNECTION", "ESOCKET"]) {
      const d = classifySmtpError(Object.assign(new Error("Timeout"), { code, command: "CONN" }), {
        dataSent: true,
      });
      expect([code, d.kind, d.ambiguous]).toEqual([code, "transient", true]);
      expect(d.message).toContain("may have queued it");
    }
    // Before the data (or with a reply, which is the server's verdict) it is an ordinary failure.
    const timeout = Object.assign(new Error("Timeout"), { code: "ETIMEDOUT", command: "CONN" });
    expect(classifySmtpError(timeout).ambiguous).toBe(false);
    const reply = refused("DATA", "451 4.3.0 Try again later", "EMESSAGE");
    expect(classifySmtpError(reply, { dataSent: true }).ambiguous).toBe(false);
  });

  it("names the refused command in the message", () => {
    expect(classifySmtpError(refused("MAIL FROM", "550 no")).message).toContain("(at MAIL FROM)");
  });
});
