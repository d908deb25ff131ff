import { connect } from "node:http2";
import { request } from "node:https";
import { connect as connectTcp } from "node:net";
import { describe, expect, it } from "vitest";
import { startFakeApns } from "./fake-apns.ts";
import { startFakeFcm } from "./fake-fcm.ts";
import { startFakeResend } from "./fake-resend.ts";
import { startFakeSmtp } from "./fake-smtp.ts";
import { startFakeTwilio } from "./fake-twilio.ts";
import { startFakeWebPush } from "./fake-web-push.ts";

const email = { from: "a@herald.test", to: ["b@herald.test"], subject: "s", html: "<p>x</p>" };
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("provider fakes", () => {
  it("Resend: checks the key, fails as told (times, Retry-After), and enforces idempotency like Resend", async () => {
    const fake = await startFakeResend({ apiKey: "re_good" });
    try {
      const bad = await post(`${fake.url}/emails`, email, { authorization: "Bearer re_bad" });
      expect(bad.status).toBe(403);
      expect(await bad.json()).toEqual({
        statusCode: 403,
        name: "invalid_api_key",
        message: "API key is invalid.",
      });

      fake.failWith({ status: 429, retryAfter: 7, times: 1 });
      const limited = await post(`${fake.url}/emails`, email, { authorization: "Bearer re_good" });
      expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "7"]);

      const key = { authorization: "Bearer re_good", "idempotency-key": "k1" };
      const first = (await (await post(`${fake.url}/emails`, email, key)).json()) as { id: string };
      const replay = (await (await post(`${fake.url}/emails`, email, key)).json()) as { id: string };
      expect(replay.id).toBe(first.id);
      const conflict = await post(`${fake.url}/emails`, { ...email, subject: "other" }, key);
      expect(conflict.status).toBe(409);
      expect(fake.accepted()).toHaveLength(1);
      await expect(fake.waitFor(99, 50)).rejects.toThrow(/expected 99 requests/);
    } finally {
      await fake.close();
    }
  });

  it("Resend batch: strict refuses the request for one bad e-mail, permissive sends the rest and lists it", async () => {
    const fake = await startFakeResend({ apiKey: "re_good" });
    const auth = { authorization: "Bearer re_good" };
    const bad = { ...email, to: "not-an-address" };
    try {
      const strict = await post(`${fake.url}/emails/batch`, [email, bad], auth);
      expect(strict.status).toBe(422);
      expect(fake.accepted()).toHaveLength(0);

      const headers = { ...auth, "x-batch-validation": "permissive", "idempotency-key": "b1" };
      const res = await post(`${fake.url}/emails/batch`, [email, bad, { ...email, subject: "2" }], headers);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { id: string }[]; errors: { index: number }[] };
      expect(body.data).toHaveLength(2);
      expect(body.errors.map((e) => e.index)).toEqual([1]);
      expect(fake.accepted().map((r) => [r.batch, r.id])).toEqual(body.data.map((d) => [true, d.id]));

      // The same key and body: Resend answers as before and sends nothing more; another body: 409.
      const replay = await post(
        `${fake.url}/emails/batch`,
        [email, bad, { ...email, subject: "2" }],
        headers,
      );
      expect(((await replay.json()) as typeof body).data).toEqual(body.data);
      expect(fake.accepted()).toHaveLength(2);
      expect((await post(`${fake.url}/emails/batch`, [email], headers)).status).toBe(409);
      expect((await post(`${fake.url}/emails/batch`, [], auth)).status).toBe(422);
    } finally {
      await fake.close();
    }
  });

  it("Resend: a key whose request is still being processed gets 409 concurrent_idempotent_requests, then the first answer", async () => {
    const fake = await startFakeResend({ apiKey: "re_good" });
    const headers = { authorization: "Bearer re_good", "idempotency-key": "slow-1" };
    try {
      fake.setLatency(300);
      const first = post(`${fake.url}/emails`, email, headers);
      await new Promise((r) => setTimeout(r, 50));
      const meanwhile = await post(`${fake.url}/emails`, email, headers);
      expect(meanwhile.status).toBe(409);
      expect(((await meanwhile.json()) as { name: string }).name).toBe("concurrent_idempotent_requests");
      const { id } = (await (await first).json()) as { id: string };
      fake.setLatency(0);
      const after = (await (await post(`${fake.url}/emails`, email, headers)).json()) as { id: string };
      expect(after.id).toBe(id);
      expect(fake.accepted().map((r) => r.id)).toEqual([id]);
    } finally {
      await fake.close();
    }
  });

  it("Resend: spoilAnswers processes the request but answers late, or cuts the answer off", async () => {
    const fake = await startFakeResend({ apiKey: "re_good" });
    const headers = (key: string) => ({ authorization: "Bearer re_good", "idempotency-key": key });
    try {
      fake.spoilAnswers({ delayMs: 300, times: 1 });
      const started = Date.now();
      const late = await post(`${fake.url}/emails`, email, headers("late"));
      expect([late.status, Date.now() - started >= 290]).toEqual([200, true]);
      fake.spoilAnswers({ delayMs: 1000, times: 1 });
      const gaveUp = await fetch(`${fake.url}/emails`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers("gave-up") },
        body: JSON.stringify(email),
        signal: AbortSignal.timeout(100),
      }).catch((e: Error) => e);
      expect((gaveUp as Error).name).toBe("TimeoutError");
      // Accepted although the client never heard so: the key now replays its id.
      const [taken] = fake.accepted().filter((r) => r.idempotencyKey === "gave-up");
      const replay = (await (await post(`${fake.url}/emails`, email, headers("gave-up"))).json()) as {
        id: string;
      };
      expect(replay.id).toBe(taken!.id);

      fake.spoilAnswers({ cut: true, times: 1 });
      const cut = await post(`${fake.url}/emails`, email, headers("cut"));
      expect(cut.status).toBe(200);
      await expect(cut.json()).rejects.toThrow();
      expect(fake.accepted().filter((r) => r.idempotencyKey === "cut")).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });

  it("Resend: spoilAnswers with a status takes the e-mail and answers a gateway's error page instead", async () => {
    const fake = await startFakeResend({ apiKey: "re_good" });
    const headers = { authorization: "Bearer re_good", "idempotency-key": "gateway" };
    try {
      fake.spoilAnswers({ status: 502, times: 1 });
      const bad = await post(`${fake.url}/emails`, email, headers);
      expect([bad.status, bad.headers.get("content-type"), (await bad.text()).startsWith("<html>")]).toEqual([
        502,
        "text/html",
        true,
      ]);
      const [taken] = fake.accepted();
      const replay = (await (await post(`${fake.url}/emails`, email, headers)).json()) as { id: string };
      expect(replay.id).toBe(taken!.id);
      expect(fake.accepted()).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });

  it("SMTP: spoilReplies takes the message, then answers late or drops the connection instead of the 250", async () => {
    const fake = await startFakeSmtp();
    /** One message over a raw session: the replies seen, and whether the server closed it first. */
    const session = (port: number) =>
      new Promise<{ replies: string[]; dropped: boolean; ms: number }>((resolve, reject) => {
        const started = Date.now();
        const socket = connectTcp(port, "127.0.0.1");
        const commands = [
          "EHLO client",
          "MAIL FROM:<a@herald.test>",
          "RCPT TO:<b@herald.test>",
          "DATA",
          "Subject: s\r\n\r\nhello\r\n.",
          "QUIT",
        ];
        const replies: string[] = [];
        let buffer = "";
        let quit = false;
        socket.on("data", (chunk) => {
          buffer += chunk.toString();
          for (let m = /^(\d{3}) .*\r\n/m.exec(buffer); m; m = /^(\d{3}) .*\r\n/m.exec(buffer)) {
            replies.push(m[0].trim());
            buffer = buffer.slice(m.index + m[0].length);
            const next = commands.shift();
            if (next === "QUIT") quit = true;
            if (next) socket.write(`${next}\r\n`);
          }
        });
        socket.on("close", () => resolve({ replies, dropped: !quit, ms: Date.now() - started }));
        socket.on("error", () => {});
        socket.setTimeout(5000, () => reject(new Error("no end")));
      });
    try {
      const port = Number(new URL(fake.url).port);
      fake.spoilReplies({ cut: true, times: 1 });
      const cut = await session(port);
      expect([cut.dropped, cut.replies.map((r) => r.slice(0, 3))]).toEqual([
        true,
        ["220", "250", "250", "250", "354"],
      ]);
      expect(fake.received).toHaveLength(1);

      fake.spoilReplies({ delayMs: 400, times: 1 });
      const late = await session(port);
      expect([late.dropped, late.replies.at(-2)?.slice(0, 3), late.ms >= 390]).toEqual([false, "250", true]);
      expect(fake.received).toHaveLength(2);
    } finally {
      await fake.close();
    }
  });

  it("SMTP: failAt refuses the sender or a recipient with the reply asked for", async () => {
    const fake = await startFakeSmtp();
    try {
      fake.failAt("MAIL FROM", { status: 550, body: "Sender rejected", times: 1 });
      fake.failAt("RCPT TO", { status: 550, body: "No such user", times: 1 });
      const port = Number(new URL(fake.url).port);
      const replies = await new Promise<string[]>((resolve, reject) => {
        const socket = connectTcp(port, "127.0.0.1");
        const commands = [
          "EHLO client",
          "MAIL FROM:<a@herald.test>",
          "MAIL FROM:<a@herald.test>",
          "RCPT TO:<b@herald.test>",
          "QUIT",
        ];
        const got: string[] = [];
        let buffer = "";
        socket.on("data", (chunk) => {
          buffer += chunk.toString();
          // A reply ends with a line "NNN text" (a dash after the code continues it).
          for (let m = /^(\d{3}) .*\r\n/m.exec(buffer); m; m = /^(\d{3}) .*\r\n/m.exec(buffer)) {
            got.push(m[0].trim());
            buffer = buffer.slice(m.index + m[0].length);
            const next = commands.shift();
            if (next) socket.write(`${next}\r\n`);
            else socket.end();
          }
        });
        socket.on("end", () => resolve(got));
        socket.on("error", reject);
      });
      expect(replies.slice(2).map((r) => r.slice(0, 3))).toEqual(["550", "250", "550", "221"]);
      expect(replies[2]).toContain("Sender rejected");
      expect(replies[4]).toContain("No such user");
    } finally {
      await fake.close();
    }
  });

  it("Twilio: answers bad credentials with error 20003 in Twilio's shape", async () => {
    const fake = await startFakeTwilio();
    try {
      const res = await fetch(`${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages.json`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${fake.accountSid}:nope`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "To=%2B14155550100&From=%2B15005550006&Body=hi",
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 20003, status: 401 });
    } finally {
      await fake.close();
    }
  });

  it("FCM: refuses sends without an access token and assertions not signed by the service account", async () => {
    const fake = await startFakeFcm();
    try {
      const send = await post(`${fake.url}/v1/projects/herald-test/messages:send`, {
        message: { token: "t" },
      });
      expect(send.status).toBe(401);
      const token = await fetch(`${fake.url}/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c",
      });
      expect(token.status).toBe(400);
      expect(fake.tokenRequests()).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it("APNs: speaks HTTP/2 over TLS and refuses a request without a provider token", async () => {
    const fake = await startFakeApns();
    try {
      const session = connect(fake.url, { ca: fake.ca });
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = session.request({ ":method": "POST", ":path": `/3/device/${"ab".repeat(32)}` });
        let status = 0;
        let body = "";
        req.on("response", (h) => (status = Number(h[":status"])));
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => resolve({ status, body }));
        req.on("error", reject);
        req.end(JSON.stringify({ aps: { alert: "x" } }));
      });
      session.close();
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toEqual({ reason: "MissingProviderToken" });
    } finally {
      await fake.close();
    }
  });

  it("Web Push: needs VAPID and a known subscription", async () => {
    const fake = await startFakeWebPush();
    try {
      const sub = fake.subscribe();
      const status = (url: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request(url, { method: "POST", ca: fake.ca, headers: { ttl: "60" } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on("error", reject);
          req.end();
        });
      expect(await status(sub.endpoint)).toBe(401);
      expect(await status(`${fake.url}/push/unknown`)).toBe(404);
      expect(fake.received.map((r) => r.error)).toEqual([
        "VAPID authorization required",
        "no such subscription",
      ]);
    } finally {
      await fake.close();
    }
  });
});
