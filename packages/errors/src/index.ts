export {
  asDeliveryError,
  DeliveryError,
  type DeliveryErrorKind,
  type DeliveryErrorOptions,
  isDeliveryError,
} from "./delivery-error.ts";
export {
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  HeraldError,
  type HeraldErrorOptions,
} from "./herald-error.ts";
