import type { NotificationRow, RecipientRow } from "@herald/db";
import { DeliveryError } from "@herald/errors";
import { describe, expect, it } from "vitest";
import type { SendContext } from "../provider.ts";
import type { EmailMessage, EmailProvider } from "./email-message.ts";
import { emailSender } from "./email-sender.ts";

const ctx = {
  attempt: 1,
  devices: [],
  recipient: { email: "ada@example.com" } as RecipientRow,
  notification: {
    id: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w",
    type: "order_placed",
    category: "transactional",
    content: { channel: "email", subject: "Hi", html: "<p>Hi</p>", text: "Hi" },
  } as unknown as NotificationRow,
} as SendContext;

const refusing = (name: string, error: DeliveryError, batch = false): EmailProvider => ({
  name,
  async send() {
    throw error;
  },
  ...(batch
    ? {
        batchMax: 100,
        async sendBatch(): Promise<({ messageId: string } | DeliveryError)[]> {
          throw error;
        },
      }
    : {}),
});

const tooMany = (provider: string, retryAfterMs?: number) =>
  new DeliveryError("transient", `${provider}: too many requests`, {
    provider,
    code: "429",
    rateLimited: true,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
const down = (provider: string) =>
  new DeliveryError("transient", `${provider}: unavailable`, { provider, code: "503" });

const failure = async (p: Promise<unknown>) =>
  (await p.then(
    () => null,
    (e: unknown) => e,
  )) as DeliveryError;

describe("e-mail failover and provider rate limits", () => {
  it("is rate-limited, with the shortest wait asked, when every provider answered 429", async () => {
    const sender = emailSender(
      [refusing("resend", tooMany("resend", 3000)), refusing("smtp", tooMany("smtp", 1000))],
      {
        from: "herald@example.com",
      },
    );
    const err = await failure(sender.send(ctx));
    expect([err.kind, err.rateLimited, err.retryAfterMs]).toEqual(["transient", true, 1000]);
  });

  it("is an ordinary transient failure when one provider failed otherwise", async () => {
    const sender = emailSender(
      [refusing("resend", tooMany("resend", 3000)), refusing("smtp", down("smtp"))],
      {
        from: "herald@example.com",
      },
    );
    const err = await failure(sender.send(ctx));
    expect([err.kind, err.rateLimited]).toEqual(["transient", false]);
  });

  it("marks a send batch's e-mails rate-limited when the batch request answered 429", async () => {
    const sender = emailSender([refusing("resend", tooMany("resend", 2000), true)], {
      from: "herald@example.com",
    });
    const [answer] = await sender.sendMany!([ctx]);
    expect(answer).toBeInstanceOf(DeliveryError);
    expect([(answer as DeliveryError).rateLimited, (answer as DeliveryError).retryAfterMs]).toEqual([
      true,
      2000,
    ]);
  });
});

/** A provider answering each request with the next of `answers` (an id, or an error to throw), counting its requests. */
function scripted(name: string, answers: (string | DeliveryError)[], batch = false) {
  const calls: string[] = [];
  const next = () => {
    const a = answers.shift() ?? `${name}-id`;
    if (a instanceof DeliveryError) throw a;
    return a;
  };
  const provider: EmailProvider = {
    name,
    // As Resend: a repeated key gets the first answer, so an ambiguous failure is asked again at once.
    replaysByKey: true,
    async send(message: EmailMessage) {
      calls.push(message.notificationId);
      return { messageId: next() };
    },
    ...(batch
      ? {
          batchMax: 100,
          async sendBatch(messages: EmailMessage[]) {
            calls.push(messages.map((m) => m.notificationId).join(","));
            const id = next();
            return messages.map((_, k) => ({ messageId: `${id}-${k}` }));
          },
        }
      : {}),
  };
  return { provider, calls };
}

const lost = (provider: string) =>
  new DeliveryError("transient", `${provider}: no answer (the request was sent)`, {
    provider,
    code: "timeout",
    ambiguous: true,
  });
const invalidAddress = (provider: string) =>
  new DeliveryError("permanent", `${provider}: invalid to`, { provider, code: "validation_error" });

describe("e-mail failover after an ambiguous failure (the provider may have the message)", () => {
  it("asks the same provider again at once and takes its answer, never the next provider", async () => {
    const resend = scripted("resend", [lost("resend"), "re-1"]);
    const smtp = scripted("smtp", []);
    const sent = await emailSender([resend.provider, smtp.provider], { from: "a@herald.test" }).send(ctx);
    expect([sent.provider, sent.providerMessageId]).toEqual(["resend", "re-1"]);
    expect(resend.calls).toEqual([ctx.notification.id, ctx.notification.id]);
    expect(smtp.calls).toEqual([]);
    expect(sent.detail).toMatchObject({
      failover: [{ provider: "resend", code: "timeout", ambiguous: true }],
    });
  });

  it("fails the attempt as transient, without failover, when the same-key retry is ambiguous too", async () => {
    const resend = scripted("resend", [lost("resend"), lost("resend")]);
    const smtp = scripted("smtp", []);
    const err = await failure(
      emailSender([resend.provider, smtp.provider], { from: "a@herald.test" }).send(ctx),
    );
    expect([err.kind, err.ambiguous, err.rateLimited]).toEqual(["transient", true, false]);
    expect(resend.calls).toHaveLength(2);
    expect(smtp.calls).toEqual([]);
  });

  it("does not fail over when the retry answers a definite transient error: the first request may still have gone through", async () => {
    const resend = scripted("resend", [lost("resend"), down("resend")]);
    const smtp = scripted("smtp", []);
    const err = await failure(
      emailSender([resend.provider, smtp.provider], { from: "a@herald.test" }).send(ctx),
    );
    expect([err.kind, err.ambiguous, err.code]).toEqual(["transient", true, "503"]);
    expect(smtp.calls).toEqual([]);
  });

  it("takes a permanent answer to the retry as final: had the provider taken the first, it would have replayed it", async () => {
    const resend = scripted("resend", [lost("resend"), invalidAddress("resend")]);
    const smtp = scripted("smtp", []);
    const err = await failure(
      emailSender([resend.provider, smtp.provider], { from: "a@herald.test" }).send(ctx),
    );
    expect([err.kind, err.code]).toEqual(["permanent", "validation_error"]);
    expect(smtp.calls).toEqual([]);
  });

  it("does not ask a provider without replay (SMTP) again at once, nor fail it over", async () => {
    const smtp = scripted("smtp", [lost("smtp")]);
    const withoutReplay: EmailProvider = { ...smtp.provider, replaysByKey: false };
    const resend = scripted("resend", []);
    const err = await failure(
      emailSender([withoutReplay, resend.provider], { from: "a@herald.test" }).send(ctx),
    );
    expect([err.kind, err.ambiguous, err.provider]).toEqual(["transient", true, "smtp"]);
    expect(smtp.calls).toHaveLength(1);
    expect(resend.calls).toEqual([]);
  });

  it("still fails over after a failure the provider provably never saw", async () => {
    const refused = new DeliveryError("transient", "resend: refused (the request was never sent)", {
      provider: "resend",
      code: "network",
    });
    const resend = scripted("resend", [refused]);
    const smtp = scripted("smtp", ["<smtp-1>"]);
    const sent = await emailSender([resend.provider, smtp.provider], { from: "a@herald.test" }).send(ctx);
    expect(sent.provider).toBe("smtp");
    expect(resend.calls).toHaveLength(1);
  });

  it("sends a batch request again with the same e-mails after an ambiguous failure, and fails none of them over", async () => {
    const other = {
      ...ctx,
      notification: { ...ctx.notification, id: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3x" },
    } as SendContext;
    const resend = scripted("resend", [lost("resend"), "re"], true);
    const smtp = scripted("smtp", []);
    const sender = emailSender([resend.provider, smtp.provider], { from: "a@herald.test" });
    const answers = (await sender.sendMany!([ctx, other])) as {
      provider: string;
      providerMessageId: string;
    }[];
    expect(answers.map((a) => [a.provider, a.providerMessageId])).toEqual([
      ["resend", "re-0"],
      ["resend", "re-1"],
    ]);
    expect(resend.calls).toHaveLength(2);
    expect(resend.calls[0]).toBe(resend.calls[1]);

    const stuck = scripted("resend", [lost("resend"), lost("resend")], true);
    const failed = await emailSender([stuck.provider, smtp.provider], { from: "a@herald.test" }).sendMany!([
      ctx,
      other,
    ]);
    expect(failed.map((a) => [(a as DeliveryError).kind, (a as DeliveryError).ambiguous])).toEqual([
      ["transient", true],
      ["transient", true],
    ]);
    expect(smtp.calls).toEqual([]);
  });
});
