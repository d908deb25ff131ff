import type { NotificationRow, RecipientRow } from "@herald/db";
import { DeliveryError } from "@herald/errors";
import { describe, expect, it } from "vitest";
import type { SendContext } from "../provider.ts";
import type { EmailProvider } from "./email-message.ts";
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
