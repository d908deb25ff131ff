import { type FakeTwilio, startFakeTwilio } from "@herald/fakes";
import { afterAll, afterEach, beforeAll } from "vitest";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

/** A worker sending SMS through Twilio's SDK to the fake, its status callbacks signed for `PUBLIC_URL`. */
export const twilioWorkerEnv = (twilio: FakeTwilio): Record<string, string> => ({
  SMS_PROVIDERS: "twilio",
  TWILIO_ACCOUNT_SID: twilio.accountSid,
  TWILIO_AUTH_TOKEN: twilio.authToken,
  TWILIO_FROM: "+15005550006",
  TWILIO_BASE_URL: twilio.url,
  PUBLIC_URL: "https://herald.example.com",
  WORKER_CHANNELS: "events,sms",
});

export interface TwilioFakes {
  readonly twilio: FakeTwilio;
  /** The worker settings for the fake (`twilioWorkerEnv`), then `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** A worker with `env(extra)`, closed after the test. */
  start(extra?: Record<string, string>): Promise<TestWorker>;
}

/**
 * A fake Twilio for a test file (started once, reset after each test) and
 * SMS workers wired to it, as `useEmailFakes` is for e-mail.
 */
export function useTwilioFakes(): TwilioFakes {
  let twilio: FakeTwilio | undefined;
  let worker: TestWorker | undefined;
  beforeAll(async () => {
    twilio = await startFakeTwilio();
  });
  afterAll(() => twilio?.close());
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    twilio?.reset();
  });
  const fakes: TwilioFakes = {
    get twilio() {
      if (!twilio) throw new Error("useTwilioFakes: the fake Twilio starts in beforeAll");
      return twilio;
    },
    env: (extra = {}) => ({ ...twilioWorkerEnv(fakes.twilio), ...extra }),
    async start(extra = {}) {
      worker = await createTestWorker(fakes.env(extra));
      return worker;
    },
  };
  return fakes;
}
