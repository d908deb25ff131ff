import { type FakeResend, type FakeSmtp, startFakeResend, startFakeSmtp } from "@herald/fakes";
import { afterAll, afterEach, beforeAll } from "vitest";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

export interface EmailFakesOptions {
  /** SMTP needs `herald` / `s3cret`. Default false. */
  smtpAuth?: boolean;
  /** Worker settings every test of the file shares, over the defaults (Resend then SMTP). */
  env?: Record<string, string>;
}

export interface EmailFakes {
  readonly resend: FakeResend;
  readonly smtp: FakeSmtp;
  /** The worker settings: Resend then SMTP on the fakes, the file's, then `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** A worker with `env(extra)`, closed after the test. */
  start(extra?: Record<string, string>): Promise<TestWorker>;
}

/**
 * A fake Resend and a fake SMTP server for a test file (started once, reset
 * after each test) and e-mail workers wired to them.
 */
export function useEmailFakes(options: EmailFakesOptions = {}): EmailFakes {
  let resend: FakeResend | undefined;
  let smtp: FakeSmtp | undefined;
  let worker: TestWorker | undefined;
  beforeAll(async () => {
    resend = await startFakeResend({ apiKey: "re_test_key" });
    smtp = await startFakeSmtp(options.smtpAuth ? { auth: { user: "herald", pass: "s3cret" } } : {});
  });
  afterAll(async () => {
    await resend?.close();
    await smtp?.close();
  });
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    resend?.reset();
    smtp?.reset();
  });
  const fakes: EmailFakes = {
    get resend() {
      return resend!;
    },
    get smtp() {
      return smtp!;
    },
    env: (extra = {}) => ({
      EMAIL_PROVIDERS: "resend,smtp",
      RESEND_API_KEY: "re_test_key",
      RESEND_BASE_URL: resend!.url,
      SMTP_URL: smtp!.smtpUrl,
      EMAIL_FROM: "Herald <notifications@herald.test>",
      WORKER_CHANNELS: "events,email",
      ...options.env,
      ...extra,
    }),
    async start(extra = {}) {
      worker = await createTestWorker(fakes.env(extra));
      return worker;
    },
  };
  return fakes;
}
