import { DeliveryError } from "@herald/errors";
import { createRedis, type RedisClient } from "@herald/jobs";
import { testQueuePrefix, testRedisUrl } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InFlightPin, inFlightRequests } from "../../reliability/in-flight-requests.ts";
import type { SendContext, SendResult } from "../provider.ts";
import type { BatchRequestOptions, EmailMessage, EmailProvider } from "./email-message.ts";
import { emailSender } from "./email-sender.ts";
import { testEmailContext } from "./email-test-context.ts";

/**
 * The e-mail sender's notes of the requests it has in flight, on the real
 * Redis: written before each request leaves (each scripted provider reads
 * them when called), kept while the provider may have the e-mail, gone once
 * it said it has nothing.
 */

let redis: RedisClient;
const prefix = testQueuePrefix();
beforeAll(() => {
  redis = createRedis({ url: testRedisUrl(), cluster: false }, "worker");
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const requests = () => inFlightRequests(redis, prefix);
const notes = async (jobId: string) => Object.fromEntries(await requests().read(jobId));
let jobs = 0;

const ctxFor = (id: string, inFlight: SendContext["inFlight"], pin?: InFlightPin) =>
  testEmailContext(id, { inFlight, ...(pin ? { provider: pin.provider, batchKey: pin.batchKey } : {}) });

type Answer = string | DeliveryError;

/** A provider answering each request with the next scripted answer; each call records the job's notes as Redis had them then. */
function scripted(name: string, jobId: string, answers: Answer[], extra: Partial<EmailProvider> = {}) {
  const calls: { ids: string[]; key?: string | undefined; notesThen: Record<string, InFlightPin> }[] = [];
  const next = async (messages: EmailMessage[], key?: string) => {
    calls.push({ ids: messages.map((m) => m.notificationId), key, notesThen: await notes(jobId) });
    const a = answers.shift() ?? `${name}-id`;
    if (a instanceof DeliveryError) throw a;
    return messages.map((m) => ({ messageId: `${a}-${m.notificationId}` }));
  };
  const provider: EmailProvider = {
    name,
    replaysByKey: name === "resend",
    async send(message) {
      return (await next([message]))[0]!;
    },
    ...extra,
  };
  return { provider, calls, next };
}

/** Scripted Resend with batch requests, keyed as the real one: a digest of the sorted ids. */
function batching(jobId: string, answers: Answer[]) {
  const s = scripted("resend", jobId, answers);
  s.provider = {
    ...s.provider,
    batchMax: 100,
    batchKey: (messages) =>
      `batch-${messages
        .map((m) => m.notificationId)
        .sort()
        .join("+")}`,
    async sendBatch(messages: EmailMessage[], options: BatchRequestOptions = {}) {
      return s.next(messages, options.idempotencyKey);
    },
  };
  return s;
}

const error = (provider: string, code: string, extra = {}) =>
  new DeliveryError("transient", `${provider}: ${code}`, { provider, code, ...extra });
const unavailable = (p: string) => error(p, "503");
const lost = (p: string) => error(p, "timeout", { ambiguous: true });
const invalid = (p: string) => new DeliveryError("permanent", `${p}: invalid`, { provider: p, code: "422" });
const from = { from: "a@herald.test" };
const job = () => `ntf_job${++jobs}`;

describe("an e-mail sent with failover is noted in Redis while a provider may have it", () => {
  it("before the request leaves; the note of an accepted e-mail stays for the job to clear once SENT is recorded", async () => {
    const id = job();
    const log = requests().log(id);
    const resend = scripted("resend", id, ["re"]);
    const smtp = scripted("smtp", id, []);
    const sent = await emailSender([resend.provider, smtp.provider], from).send(ctxFor(id, log));
    expect(sent.provider).toBe("resend");
    expect(resend.calls[0]!.notesThen).toEqual({ [id]: { provider: "resend", batchKey: null } });
    expect(await notes(id)).toEqual({ [id]: { provider: "resend", batchKey: null } });
    await log.clear();
    expect(await redis.exists(`${prefix}:{in-flight:${id}}`)).toBe(0);
  });

  it("a provider's refusal removes its note; the next provider's request is noted in its place", async () => {
    const id = job();
    const resend = scripted("resend", id, [unavailable("resend")]);
    const smtp = scripted("smtp", id, ["<smtp>"]);
    const sent = await emailSender([resend.provider, smtp.provider], from).send(
      ctxFor(id, requests().log(id)),
    );
    expect(sent.provider).toBe("smtp");
    expect(smtp.calls[0]!.notesThen).toEqual({ [id]: { provider: "smtp", batchKey: null } });
    expect(await notes(id)).toEqual({ [id]: { provider: "smtp", batchKey: null } });
  });

  it("an ambiguous failure keeps the note (the worker records the provider next); definitive ones leave none", async () => {
    const a = job();
    const resend = scripted("resend", a, [lost("resend"), lost("resend")]);
    const smtp = scripted("smtp", a, []);
    const err = (await emailSender([resend.provider, smtp.provider], from)
      .send(ctxFor(a, requests().log(a)))
      .catch((e: unknown) => e)) as DeliveryError;
    expect(err.ambiguous).toBe(true);
    expect(smtp.calls).toEqual([]);
    expect(await notes(a)).toEqual({ [a]: { provider: "resend", batchKey: null } });

    for (const answers of [[unavailable("resend"), unavailable("smtp")], [invalid("resend")]]) {
      const b = job();
      const sender = emailSender(
        [scripted("resend", b, [answers[0]!]).provider, scripted("smtp", b, answers.slice(1)).provider],
        from,
      );
      await expect(sender.send(ctxFor(b, requests().log(b)))).rejects.toBeInstanceOf(DeliveryError);
      expect(await notes(b)).toEqual({});
    }
  });

  it("a batch request is one note of its e-mails under the key it is sent with", async () => {
    const id = `snd_${job()}`;
    const log = requests().log(id);
    const resend = batching(id, ["re"]);
    const smtp = scripted("smtp", id, []);
    const sender = emailSender([resend.provider, smtp.provider], from);
    const answers = (await sender.sendMany!(["ntf_b", "ntf_a"].map((n) => ctxFor(n, log)))) as SendResult[];
    expect(answers.map((x) => x.provider)).toEqual(["resend", "resend"]);
    const key = "batch-ntf_a+ntf_b";
    expect(resend.calls).toEqual([
      {
        ids: ["ntf_b", "ntf_a"],
        key,
        notesThen: {
          ntf_a: { provider: "resend", batchKey: key },
          ntf_b: { provider: "resend", batchKey: key },
        },
      },
    ]);
    await log.clear();
    expect(await notes(id)).toEqual({});
  });

  it("a batch request refused for now hands each e-mail to SMTP, each noted in its turn", async () => {
    const id = `snd_${job()}`;
    const resend = batching(id, [unavailable("resend")]);
    const smtp = scripted("smtp", id, ["<s1>", "<s2>"]);
    const sender = emailSender([resend.provider, smtp.provider], from);
    const log = requests().log(id);
    const answers = (await sender.sendMany!(["ntf_a", "ntf_b"].map((n) => ctxFor(n, log)))) as SendResult[];
    expect(answers.map((x) => x.provider)).toEqual(["smtp", "smtp"]);
    for (const call of smtp.calls)
      expect(call.notesThen[call.ids[0]!]).toEqual({ provider: "smtp", batchKey: null });
    expect(await notes(id)).toEqual({
      ntf_a: { provider: "smtp", batchKey: null },
      ntf_b: { provider: "smtp", batchKey: null },
    });
  });

  it("notes nothing with one provider, nor for an e-mail pinned already (its row says it)", async () => {
    const id = job();
    const resend = batching(id, ["re", "re", "re"]);
    const alone = emailSender([resend.provider], from);
    expect(alone.notesInFlight).toBeUndefined();
    await alone.send(ctxFor(id, requests().log(id)));
    await alone.sendMany!([ctxFor("ntf_x", requests().log(id))]);

    const pinned = emailSender([resend.provider, scripted("smtp", id, []).provider], from);
    expect(pinned.notesInFlight).toBe(true);
    await pinned.send(ctxFor(id, requests().log(id), { provider: "resend", batchKey: null }));
    expect(resend.calls.every((c) => Object.keys(c.notesThen).length === 0)).toBe(true);
    expect(await notes(id)).toEqual({});
  });
});
