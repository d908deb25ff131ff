import { describe, expect, it } from "vitest";
import { addEmailTracking } from "./email-tracking.ts";
import { verifyTrackingToken } from "./tracking-token.ts";

const SECRET = "test-secret-0123456789abcdef0123456789";
const options = {
  notificationId: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w",
  baseUrl: "https://herald.example.com",
  secret: SECRET,
  opens: true,
  clicks: true,
};

const html = `<!DOCTYPE html><html><body><p>Hi</p>
<a href="https://shop.example.com/orders/1?a=1&amp;b=2" style="color:red" target="_blank">Order</a>
<a target="_blank" href='https://shop.example.com/help'>Help</a>
<a href="mailto:help@example.com">Mail</a><a href="#top">Top</a>
<a href="https://herald.example.com/v1/unsubscribe/abc">Unsubscribe</a>
</body></html>`;

function tokens(out: string, kind: "o" | "c"): string[] {
  return [...out.matchAll(new RegExp(`https://herald\\.example\\.com/t/${kind}/([\\w.-]+)`, "g"))].map(
    (m) => m[1]!,
  );
}

describe("addEmailTracking", () => {
  it("rewrites external links through signed redirects and adds one pixel before </body>", () => {
    const out = addEmailTracking(html, options);
    const clicks = tokens(out, "c").map((t) => verifyTrackingToken(SECRET, "click", t)?.url);
    expect(clicks).toEqual(["https://shop.example.com/orders/1?a=1&b=2", "https://shop.example.com/help"]);
    expect(out).toContain('href="mailto:help@example.com"');
    expect(out).toContain('href="#top"');
    expect(out).toContain('href="https://herald.example.com/v1/unsubscribe/abc"');
    expect(out).toContain('style="color:red" target="_blank"');
    const opens = tokens(out, "o");
    expect(opens).toHaveLength(1);
    expect(verifyTrackingToken(SECRET, "open", opens[0]!)).toEqual({
      notificationId: options.notificationId,
    });
    expect(out.indexOf("/t/o/")).toBeLessThan(out.indexOf("</body>"));
  });

  it("does nothing when tracking is off, and only what is on", () => {
    expect(addEmailTracking(html, { ...options, opens: false, clicks: false })).toBe(html);
    expect(tokens(addEmailTracking(html, { ...options, clicks: false }), "c")).toHaveLength(0);
    expect(tokens(addEmailTracking(html, { ...options, opens: false }), "o")).toHaveLength(0);
  });

  it("puts the pixel before the last </body> in whatever case", () => {
    const upper = "<HTML><BODY><p>a</p><!-- </body> --></Body ></BODY></HTML>";
    const out = addEmailTracking(upper, { ...options, clicks: false });
    expect(out.indexOf("/t/o/")).toBeGreaterThan(out.indexOf("</Body >"));
    expect(out.indexOf("/t/o/")).toBeLessThan(out.indexOf("</BODY></HTML>"));
    expect(out.endsWith('border:0" /></BODY></HTML>')).toBe(true);
  });

  it("appends the pixel to a fragment without </body>", () => {
    expect(addEmailTracking("<p>hi</p>", { ...options, clicks: false })).toMatch(
      /^<p>hi<\/p><img src="https:\/\/herald/,
    );
  });
});
