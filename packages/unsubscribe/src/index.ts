export {
  DEV_UNSUBSCRIBE_SECRET,
  listUnsubscribeHeaders,
  signUnsubscribeToken,
  type UnsubscribeScope,
  unsubscribeUrl,
  verifyUnsubscribeToken,
} from "./unsubscribe-token.ts";
