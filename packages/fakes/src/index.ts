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
  type FakeResend,
  type FakeResendOptions,
  type ResendEmailBody,
  type ResendRequest,
  startFakeResend,
} from "./fake-resend.ts";
export { type FakeSmtp, type FakeSmtpOptions, type SmtpMessage, startFakeSmtp } from "./fake-smtp.ts";
export { type FakeTwilio, startFakeTwilio, type TwilioRequest } from "./fake-twilio.ts";
export {
  type FakeWebPush,
  startFakeWebPush,
  type WebPushDelivery,
  type WebPushSubscription,
} from "./fake-web-push.ts";
export { type LoopbackCertificate, loopbackCertificate } from "./tls.ts";
