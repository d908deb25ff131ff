import type { NotificationRow, RecipientRow } from "@herald/db";
import type { SendContext } from "../provider.ts";

/** What a test e-mail's context varies: the attempt, the provider it is pinned to, the job's in-flight log. */
export interface TestEmailContextOptions {
  /** Default 1. */
  attempt?: number;
  /** `ambiguous_provider` on the row. Default none. */
  provider?: string | undefined;
  /** `ambiguous_batch_key` on the row. Default none. */
  batchKey?: string | null | undefined;
  inFlight?: SendContext["inFlight"];
}

/**
 * A loaded `order_placed` e-mail to `<id>@example.com` as the sender sees it,
 * for the e-mail sender's tests (only the fields it reads).
 */
export function testEmailContext(id: string, options: TestEmailContextOptions = {}): SendContext {
  return {
    attempt: options.attempt ?? 1,
    devices: [],
    recipient: { email: `${id}@example.com` } as RecipientRow,
    notification: {
      id,
      type: "order_placed",
      category: "transactional",
      content: { channel: "email", subject: "Hi", html: "<p>Hi</p>", text: "Hi" },
      ambiguousProvider: options.provider ?? null,
      ambiguousBatchKey: options.batchKey ?? null,
    } as unknown as NotificationRow,
    ...(options.inFlight ? { inFlight: options.inFlight } : {}),
  };
}
