import { catalog, type NotificationType, renderContext, renderNotification } from "@herald/templates";
import { verifyTrackingToken } from "@herald/tracking";
import { describe, expect, it } from "vitest";
import { trackContent } from "./track-content.ts";

const env = {
  publicUrl: "https://herald.example.com",
  trackingSecret: "unit-test-tracking-secret-0123456789abcd",
  emailTracking: true,
  retention: { days: 90, batchSize: 5000, intervalMs: 3_600_000, auditLogMs: 365 * 86_400_000 },
};
const ID = "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w";
const ctx = renderContext({ userId: "u1" });

async function email(type: keyof typeof catalog, e = env) {
  const def = catalog[type] as NotificationType;
  const content = await renderNotification(def, "email", def.example, ctx);
  return { before: content, after: trackContent(e, def, ID, content) };
}

describe("trackContent", () => {
  it("adds the pixel and signed redirects to a tracked type's e-mail, leaving subject and text alone", async () => {
    const { before, after } = await email("order_placed");
    if (after.channel !== "email" || before.channel !== "email") throw new Error("not email");
    expect(after.subject).toBe(before.subject);
    expect(after.text).toBe(before.text);
    const pixel = /https:\/\/herald\.example\.com\/t\/o\/([\w.-]+)/.exec(after.html)?.[1];
    expect(verifyTrackingToken(env.trackingSecret, "open", pixel!)).toEqual({ notificationId: ID });
    const click = /https:\/\/herald\.example\.com\/t\/c\/([\w.-]+)/.exec(after.html)?.[1];
    expect(verifyTrackingToken(env.trackingSecret, "click", click!)?.url).toBe(
      catalog.order_placed.example.url,
    );
  });

  it("leaves password_reset, EMAIL_TRACKING=false and other channels untouched", async () => {
    const reset = await email("password_reset");
    expect(reset.after).toEqual(reset.before);
    const off = await email("order_placed", { ...env, emailTracking: false });
    expect(off.after).toEqual(off.before);
    const def = catalog.order_placed as NotificationType;
    const sms = await renderNotification(def, "sms", def.example, ctx);
    expect(trackContent(env, def, ID, sms)).toBe(sms);
  });
});
