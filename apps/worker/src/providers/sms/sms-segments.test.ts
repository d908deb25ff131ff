import { describe, expect, it } from "vitest";
import { countSegments, fitSegments, smsEncoding } from "./sms-segments.ts";

describe("SMS segments", () => {
  it("uses GSM-7 for plain text and UCS-2 as soon as one character is outside it", () => {
    expect(smsEncoding("Order A-1042 confirmed, €59.90 [paid]")).toBe("GSM-7");
    expect(smsEncoding("Commande confirmée ✓")).toBe("UCS-2");
    expect(smsEncoding("naïve")).toBe("UCS-2");
  });

  it("fits 160 GSM-7 septets in one SMS and splits longer text into 153-septet parts", () => {
    expect(countSegments("a".repeat(160))).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
    expect(countSegments("a".repeat(161)).segments).toBe(2);
    expect(countSegments("a".repeat(306)).segments).toBe(2);
    expect(countSegments("a".repeat(307)).segments).toBe(3);
  });

  it("counts extension characters twice and never splits one across parts", () => {
    expect(countSegments("€".repeat(80))).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
    // 152 plain septets then "€" (2): 154 > 153, so the escape pair moves to part 2.
    expect(countSegments(`${"a".repeat(152)}€${"a".repeat(10)}`).segments).toBe(2);
  });

  it("fits 70 UCS-2 units in one SMS, 67 per part after that, keeping emoji whole", () => {
    expect(countSegments("é✓".repeat(35)).segments).toBe(1);
    expect(countSegments("✓".repeat(71)).segments).toBe(2);
    expect(countSegments("✓".repeat(134)).segments).toBe(2);
    expect(countSegments("✓".repeat(135)).segments).toBe(3);
    // 66 units then a 2-unit emoji: it cannot straddle, so a third part starts earlier.
    expect(countSegments(`${"✓".repeat(66)}😀${"✓".repeat(66)}`).segments).toBe(3);
  });

  it("cuts text that needs more parts than allowed, marking the cut", () => {
    const fitted = fitSegments("word ".repeat(200), 2);
    expect(fitted.truncated).toBe(true);
    expect(fitted.segments).toBe(2);
    expect(fitted.text.endsWith("...")).toBe(true);
    expect(fitted.text.length).toBeGreaterThan(290);
    expect(fitSegments("short", 1)).toMatchObject({ text: "short", truncated: false, segments: 1 });
  });
});
