/**
 * Test-only provider fakes on loopback. Each speaks the provider's real wire
 * format, so production code is exercised through the real SDKs, records what
 * it received (`received`, `waitFor(n)`), and can be told to misbehave
 * (`failWith({status, retryAfter, times})`, `setLatency(ms)`); `reset()`
 * between tests, `close()` at the end.
 *
 * ```ts
 * const resend = await startFakeResend();          // RESEND_BASE_URL = resend.url
 * const smtp = await startFakeSmtp();              // SMTP_URL = smtp.smtpUrl
 * const twilio = await startFakeTwilio();          // TWILIO_BASE_URL = twilio.url (+ accountSid/authToken)
 * const push = await startFakeWebPush();           // push.subscribe() → a subscription; PROVIDER_CA_CERT = push.ca,
 *                                                  // PUSH_ALLOW_PRIVATE_ENDPOINTS=true (it is on loopback)
 * const fcm = await startFakeFcm();                // FCM_SERVICE_ACCOUNT = JSON.stringify(fcm.serviceAccount), FCM_BASE_URL = fcm.url
 * const apns = await startFakeApns();              // APNS_KEY/_KEY_ID/_TEAM_ID from apns.credentials, APNS_BASE_URL = apns.url
 * resend.failWith({ status: 503, times: 1 });
 * ```
 *
 * The HTTPS fakes (web push, APNs) share one self-signed certificate made at
 * run time; trust it only in tests (`PROVIDER_CA_CERT`, or an agent's `ca`).
 */
export { Behaviour, type FailureRule, type FakeProvider, Recorder } from "./behaviour.ts";
export {
  type ApnsCredentials,
  type ApnsRequest,
  type FakeApns,
  startFakeApns,
} from "./fake-apns.ts";
export {
  type FakeFcm,
  type FcmMessage,
  type FcmRequest,
  type ServiceAccount,
  startFakeFcm,
} from "./fake-fcm.ts";
export {
  type AnswerRule,
  type FakeResend,
  type FakeResendOptions,
  type ResendEmailBody,
  type ResendRequest,
  startFakeResend,
} from "./fake-resend.ts";
export {
  type FakeSmtp,
  type FakeSmtpOptions,
  type ReplyRule,
  type SmtpMessage,
  type SmtpStage,
  startFakeSmtp,
} from "./fake-smtp.ts";
export { type FakeTwilio, startFakeTwilio, type TwilioRequest } from "./fake-twilio.ts";
export {
  type FakeWebPush,
  type FakeWebPushOptions,
  startFakeWebPush,
  type WebPushDelivery,
  type WebPushSubscription,
} from "./fake-web-push.ts";
export { type LoopbackCertificate, loopbackCertificate } from "./tls.ts";
