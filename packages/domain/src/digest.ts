/** SPEC §5: digests go out at the user's local digest time, 09:00 unless they chose another. */
export const DEFAULT_DIGEST_TIME = "09:00";
