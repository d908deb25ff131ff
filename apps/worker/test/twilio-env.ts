import type { FakeTwilio } from "@herald/fakes";

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
