export { addEmailTracking, type EmailTrackingOptions } from "./email-tracking.ts";
export { DEV_TRACKING_SECRET, resolveTrackingSecret } from "./tracking-secret.ts";
export {
  isTrackableUrl,
  signTrackingToken,
  type TrackingClaims,
  type TrackingKind,
  trackingLinks,
  verifyTrackingToken,
} from "./tracking-token.ts";
