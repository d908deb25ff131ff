// GSM 03.38: the basic set costs one septet, the extension set two (escape + char).
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED = "^{}\\[~]|€\f";
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SmsSegments {
  encoding: SmsEncoding;
  /** Number of SMS the text is billed and delivered as. */
  segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
}

export function smsEncoding(text: string): SmsEncoding {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENDED.has(ch)) return "UCS-2";
  return "GSM-7";
}

/** The indivisible pieces of the text and what each costs: an escape pair or a surrogate pair never splits. */
function units(text: string, encoding: SmsEncoding): number[] {
  const out: number[] = [];
  for (const ch of text) out.push(encoding === "GSM-7" ? (EXTENDED.has(ch) ? 2 : 1) : ch.length);
  return out;
}

const LIMITS: Record<SmsEncoding, { single: number; multi: number }> = {
  "GSM-7": { single: 160, multi: 153 },
  "UCS-2": { single: 70, multi: 67 },
};

function pack(costs: number[], perSegment: number): number {
  let segments = 1;
  let used = 0;
  for (const c of costs) {
    if (used + c > perSegment) {
      segments += 1;
      used = 0;
    }
    used += c;
  }
  return segments;
}

/**
 * How many segments a text takes: one SMS holds 160 GSM-7 septets or 70
 * UCS-2 units; a concatenated message spends 7 septets (3 units) of each
 * part on its header, leaving 153 / 67.
 */
export function countSegments(text: string): SmsSegments {
  const encoding = smsEncoding(text);
  const costs = units(text, encoding);
  const total = costs.reduce((a, b) => a + b, 0);
  const { single, multi } = LIMITS[encoding];
  return { encoding, units: total, segments: total <= single ? 1 : pack(costs, multi) };
}

/** Cuts `text` (marking the cut) so it fits in `maxSegments`. */
export function fitSegments(
  text: string,
  maxSegments: number,
): { text: string; truncated: boolean } & SmsSegments {
  const counted = countSegments(text);
  if (counted.segments <= maxSegments) return { text, truncated: false, ...counted };
  const marker = counted.encoding === "GSM-7" ? "..." : "…";
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  // Longest prefix that still fits with the marker.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (countSegments(chars.slice(0, mid).join("") + marker).segments <= maxSegments) lo = mid;
    else hi = mid - 1;
  }
  const cut = chars.slice(0, lo).join("").trimEnd() + marker;
  return { text: cut, truncated: true, ...countSegments(cut) };
}
