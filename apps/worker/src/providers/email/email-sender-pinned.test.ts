import { DeliveryError } from "@herald/errors";
import { describe, expect, it } from "vitest";
import type { SendResult } from "../provider.ts";
import type { BatchRequestOptions, EmailMessage, EmailProvider } from "./email-message.ts";
import { type EmailContext, emailSender } from "./email-sender.ts";
import { testEmailContext } from "./email-test-context.ts";

const ctxFor = (id: string, pin: { provider?: string; batchKey?: string } = {}) =>
  testEmailContext(id, { attempt: 2, ...pin });

type Answer = string | DeliveryError | ((messages: EmailMessage[]) => (string | DeliveryError)[]);

/** A provider answering each request with the next scripted answer, recording every request. */
function scripted(name: string, answers: Answer[], replaysByKey = true) {
  const calls: { ids: string[]; key?: string | undefined; batch: boolean }[] = [];
  const next = (messages: EmailMessage[]) => {
    const a = answers.shift() ?? `${name}-id`;
    if (a instanceof DeliveryError) throw a;
    return typeof a === "function" ? a(messages) : messages.map((m) => `${a}-${m.notificationId}`);
  };
  const unwrap = (x: string | DeliveryError) => (x instanceof DeliveryError ? x : { messageId: x });
  const provider: EmailProvider = {
    name,
    replaysByKey,
    batchMax: 100,
    async send(message) {
      calls.push({ ids: [message.notificationId], batch: false });
      return unwrap(next([message])[0]!) as { messageId: string };
    },
    async sendBatch(messages: EmailMessage[], options: BatchRequestOptions = {}) {
      calls.push({ ids: messages.map((m) => m.notificationId), key: options.idempotencyKey, batch: true });
      return next(messages).map(unwrap);
    },
  };
  return { provider, calls };
}

const error = (provider: string, code: string, kind: "transient" | "permanent" = "transient", extra = {}) =>
  new DeliveryError(kind, `${provider}: ${code}`, { provider, code, ...extra });
const refused = (p: string) => error(p, "network");
const lost = (p: string) => error(p, "timeout", "transient", { ambiguous: true });
const otherPayload = (p: string) => error(p, "invalid_idempotent_request", "permanent");

const failure = async (p: Promise<unknown>) =>
  (await p.then(
    () => null,
    (e: unknown) => e,
  )) as DeliveryError;
const from = { from: "a@herald.test" };

describe("an e-mail pinned to the provider an earlier attempt may have left it with", () => {
  it("goes to that provider alone: its refusal fails the attempt, still ambiguous, and SMTP is not tried", async () => {
    const resend = scripted("resend", [refused("resend")]);
    const smtp = scripted("smtp", []);
    const err = await failure(
      emailSender([resend.provider, smtp.provider], from).send(ctxFor("ntf_a", { provider: "resend" })),
    );
    expect([err.kind, err.ambiguous, err.code, err.provider]).toEqual([
      "transient",
      true,
      "network",
      "resend",
    ]);
    expect(smtp.calls).toEqual([]);
  });

  it("when it is SMTP, Resend is not tried either; a success says it was pinned", async () => {
    const resend = scripted("resend", []);
    const smtp = scripted("smtp", ["<smtp-1>"], false);
    const sent = await emailSender([resend.provider, smtp.provider], from).send(
      ctxFor("ntf_a", { provider: "smtp" }),
    );
    expect([sent.provider, sent.providerMessageId, sent.detail]).toEqual([
      "smtp",
      "<smtp-1>-ntf_a",
      { pinned: true },
    ]);
    expect(resend.calls).toEqual([]);
  });

  it("a provider that is no longer configured: no one sends it, and it stays ambiguous", async () => {
    const smtp = scripted("smtp", [], false);
    const err = await failure(
      emailSender([smtp.provider], from).send(ctxFor("ntf_a", { provider: "resend" })),
    );
    expect([err.ambiguous, err.code, err.provider]).toEqual([true, "pinned_provider_missing", "resend"]);
    expect(smtp.calls).toEqual([]);
  });

  it("a 429 in a pinned attempt stays rate-limited (the channel pauses; the row already holds its provider)", async () => {
    const resend = scripted("resend", [
      error("resend", "rate_limit_exceeded", "transient", { rateLimited: true }),
    ]);
    const err = await failure(
      emailSender([resend.provider], from).send(ctxFor("ntf_a", { provider: "resend" })),
    );
    expect([err.rateLimited, err.ambiguous]).toEqual([true, true]);
  });

  it("the attempt that first meets the ambiguity is never a pause: a 429 to its same-key retry is a failed attempt, recorded", async () => {
    const resend = scripted("resend", [
      lost("resend"),
      error("resend", "rate_limit_exceeded", "transient", { rateLimited: true }),
    ]);
    const smtp = scripted("smtp", []);
    const err = await failure(emailSender([resend.provider, smtp.provider], from).send(ctxFor("ntf_a")));
    expect([err.rateLimited, err.ambiguous]).toEqual([false, true]);
    expect(smtp.calls).toEqual([]);
  });
});

describe("the e-mails of an ambiguous batch request", () => {
  it("are sent again in one batch request under that request's key, with the unpinned ones in a request of their own", async () => {
    const resend = scripted("resend", ["re", "re"]);
    const sender = emailSender([resend.provider], from);
    const answers = (await sender.sendMany!([
      ctxFor("ntf_new"),
      ctxFor("ntf_b", { provider: "resend", batchKey: "batch-k" }),
      ctxFor("ntf_a", { provider: "resend", batchKey: "batch-k" }),
    ])) as SendResult[];
    expect(answers.map((a) => a.providerMessageId)).toEqual(["re-ntf_new", "re-ntf_b", "re-ntf_a"]);
    expect(answers[1]!.detail).toEqual({ pinned: true });
    expect(resend.calls).toEqual(
      expect.arrayContaining([
        { ids: ["ntf_new"], key: undefined, batch: true },
        { ids: ["ntf_b", "ntf_a"], key: "batch-k", batch: true },
      ]),
    );
  });

  it("one sent on its own (an operator's retry) still goes as that batch request, under its key", async () => {
    const resend = scripted("resend", ["re"]);
    const sent = await emailSender([resend.provider], from).send(
      ctxFor("ntf_a", { provider: "resend", batchKey: "batch-k" }),
    );
    expect(sent.providerMessageId).toBe("re-ntf_a");
    expect(resend.calls).toEqual([{ ids: ["ntf_a"], key: "batch-k", batch: true }]);
  });

  it("when Resend refuses fewer e-mails under the key, the original request is rebuilt and sent again for its replay", async () => {
    const resend = scripted("resend", [otherPayload("resend"), "replayed"]);
    const loaded: string[] = [];
    const loadBatchRequest = async (key: string): Promise<EmailContext[]> => {
      loaded.push(key);
      return ["ntf_a", "ntf_b", "ntf_c"].map((id) => ctxFor(id, { provider: "resend", batchKey: key }));
    };
    const answers = (await emailSender([resend.provider], { ...from, loadBatchRequest }).sendMany!([
      ctxFor("ntf_c", { provider: "resend", batchKey: "batch-k" }),
      ctxFor("ntf_a", { provider: "resend", batchKey: "batch-k" }),
    ])) as SendResult[];
    expect(loaded).toEqual(["batch-k"]);
    expect(resend.calls).toEqual([
      { ids: ["ntf_c", "ntf_a"], key: "batch-k", batch: true },
      { ids: ["ntf_a", "ntf_b", "ntf_c"], key: "batch-k", batch: true },
    ]);
    expect(answers.map((a) => a.providerMessageId)).toEqual(["replayed-ntf_c", "replayed-ntf_a"]);
  });

  it("stay ambiguous, under the key, when the original request cannot be rebuilt or is refused too: never another key", async () => {
    const unbuildable = async (): Promise<EmailContext[]> => [
      { notification: ctxFor("ntf_b").notification, recipient: null },
    ];
    const cases = [
      { answers: [otherPayload("resend")], load: unbuildable, requests: 1 },
      { answers: [otherPayload("resend"), otherPayload("resend")], load: undefined, requests: 1 },
      {
        answers: [otherPayload("resend"), otherPayload("resend")],
        load: async () => ["ntf_a", "ntf_b"].map((id) => ctxFor(id)),
        requests: 2,
      },
    ];
    for (const c of cases) {
      const resend = scripted("resend", [...c.answers]);
      const [answer] = await emailSender([resend.provider], {
        ...from,
        ...(c.load ? { loadBatchRequest: c.load } : {}),
      }).sendMany!([ctxFor("ntf_a", { provider: "resend", batchKey: "batch-k" })]);
      const err = answer as DeliveryError;
      expect([err.kind, err.ambiguous, err.requestKey, err.code]).toEqual([
        "transient",
        true,
        "batch-k",
        "invalid_idempotent_request",
      ]);
      expect(resend.calls.map((x) => x.key)).toEqual(new Array(c.requests).fill("batch-k"));
    }
  });

  it("hands back a failure to read the original request's rows as it is (PostgreSQL down is no provider's answer)", async () => {
    const down = new Error("connection refused");
    const resend = scripted("resend", [otherPayload("resend")]);
    const [answer] = await emailSender([resend.provider], {
      ...from,
      loadBatchRequest: async () => {
        throw down;
      },
    }).sendMany!([ctxFor("ntf_a", { provider: "resend", batchKey: "batch-k" })]);
    expect(answer).toBe(down);
  });

  it("an ambiguous failure of a fresh batch request carries its key for the worker to keep", async () => {
    const keyed = error("resend", "timeout", "transient", { ambiguous: true, requestKey: "batch-new" });
    const resend = scripted("resend", [keyed, keyed], true);
    const answers = await emailSender([resend.provider], from).sendMany!([ctxFor("ntf_a"), ctxFor("ntf_b")]);
    expect(answers.map((a) => [(a as DeliveryError).ambiguous, (a as DeliveryError).requestKey])).toEqual([
      [true, "batch-new"],
      [true, "batch-new"],
    ]);
  });
});
