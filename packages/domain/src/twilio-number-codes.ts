/**
 * Twilio error codes that are about the destination number itself, which
 * will never take SMS: 21211 invalid number, 21610 the recipient replied STOP
 * (Twilio refuses every message to it until they reply START), 21612 not
 * reachable by SMS, 21614 not a mobile number, 30005 unknown destination,
 * 30006 landline or unreachable carrier. The number is suppressed when
 * Twilio answers one of them, whether to the worker's create call (the 21xxx
 * ones) or in a status callback (any). Not 21408: the account's geographic
 * permissions leave out the number's country, which an operator can enable.
 */
export const TWILIO_NUMBER_GONE_CODES: ReadonlySet<number> = new Set([
  21211, 21610, 21612, 21614, 30005, 30006,
]);
