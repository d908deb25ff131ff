// Also percent-encoded (`ada%40example.com`): user ids that are addresses travel in URLs.
const EMAIL = /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}/gi;
// E.164-looking numbers (and loosely formatted ones) of 8+ digits.
// Bounded by non-word characters so hex hashes and ids are left alone.
const PHONE = /(?<![\w+])\+?\d[\d\s().-]{6,}\d(?!\w)/g;
const BEARER = /\b(hk_(?:live|test)_[A-Za-z0-9]+|Bearer\s+\S+)/g;

const SECRET_KEYS =
  /^(email|phone|to|from|token|authorization|password|secret|apiKey|api_key|subscription|keys|p256dh|auth|endpoint|html|text|body|cookie|set-cookie)$/i;

/**
 * Removes personal data from anything about to be logged: values under
 * sensitive keys are replaced, and e-mail addresses, phone numbers and API
 * keys inside free text (error messages from providers quote them) are masked.
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") {
    return value.replace(EMAIL, "[email]").replace(BEARER, "[secret]").replace(PHONE, "[phone]");
  }
  if (value === null || typeof value !== "object" || depth > 6) return value;
  if (value instanceof Error) {
    const cause = (value as { cause?: unknown }).cause;
    return {
      type: value.name,
      message: scrub(value.message, depth + 1),
      stack: scrub(value.stack, depth + 1),
      ...(cause !== undefined ? { cause: scrub(cause, depth + 1) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.test(k) && v !== undefined && v !== null ? "[redacted]" : scrub(v, depth + 1);
  }
  return out;
}
