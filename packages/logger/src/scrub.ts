// Also percent-encoded (`ada%40example.com`): user ids that are addresses travel in URLs.
const EMAIL = /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}/gi;
// E.164-looking numbers (and loosely formatted ones) of 8+ digits.
// Bounded by non-word characters so hex hashes and ids are left alone.
const PHONE = /(?<![\w+])\+?\d[\d\s().-]{6,}\d(?!\w)/;
// Shapes the phone pattern would also take, tried first at each position (the alternation's order).
const IPV4 = /(?<![\w.])(?<ip>(?:\d{1,3}\.){3}\d{1,3})(?![\w.])/;
const DATE = /(?<![\w.])(?<date>\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))(?![\w.-])/;
const NUMBERS = new RegExp(`${IPV4.source}|${DATE.source}|${PHONE.source}`, "g");

/**
 * Addresses of the deployment's own network: loopback, private (RFC 1918),
 * link-local and unspecified. The logs keep them ("cannot reach Redis at
 * 10.0.3.7:6379" must say where); any other IPv4 address may be an end
 * user's, which is personal data, and is masked.
 */
function isInfrastructure(ip: string): boolean {
  const [a, b] = ip.split(".").map(Number) as [number, number];
  return (
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254)
  );
}

function maskNumber(match: string, ...rest: unknown[]): string {
  const groups = rest.at(-1) as { ip?: string; date?: string };
  if (groups.date) return match; // 2026-12-06 is a day, not a phone number
  if (groups.ip) return isInfrastructure(groups.ip) ? match : "[ip]";
  return "[phone]";
}
const BEARER = /\b(hk_(?:live|test)_[A-Za-z0-9]+|Bearer\s+\S+)/g;

const SECRET_KEYS =
  /^(email|phone|to|from|token|authorization|password|secret|apiKey|api_key|subscription|keys|p256dh|auth|endpoint|html|text|body|cookie|set-cookie)$/i;

/**
 * Free text (a provider's error message) with the e-mail addresses, phone
 * numbers, API keys and public IPv4 addresses in it masked, as `scrub` masks
 * them in logs.
 */
export function scrubText(text: string): string {
  return text
    .replace(QUERY_PARAMS, "\nparams: [redacted]")
    .replace(EMAIL, "[email]")
    .replace(BEARER, "[secret]")
    .replace(NUMBERS, maskNumber);
}

/**
 * The values drizzle's `DrizzleQueryError` quotes after its query ("Failed
 * query: …\nparams: …"), in its message and its stack: a user's id, their
 * properties, an API key's hash. Up to the stack's first frame, or the end.
 */
const QUERY_PARAMS = /\nparams: [\s\S]*?(?=\n\s+at |$)/g;

/**
 * Removes personal data from anything about to be logged: values under
 * sensitive keys are replaced, and e-mail addresses, phone numbers, API keys
 * and public IPv4 addresses inside free text (error messages from providers
 * quote them) are masked.
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubText(value);
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
