import { describe, expect, it } from "vitest";
import { actionHint, detailsText, targetHref } from "./audit-text.ts";

describe("detailsText", () => {
  it("lists field names, counts and nested changes on one line", () => {
    expect(detailsText({ fields: ["email", "locale"] })).toBe("fields: email, locale");
    expect(detailsText({ filter: { channel: "email" }, retried: 3, more: false })).toBe(
      'filter: {"channel":"email"} · retried: 3 · more: false',
    );
    expect(detailsText({})).toBe("");
  });
});

describe("targetHref", () => {
  it("links users, notifications and topics, not an erased user's tombstone nor a key", () => {
    expect(targetHref({ type: "user", id: "ada@example.com" })).toBe("/users/ada%40example.com");
    expect(targetHref({ type: "user", id: "erased:usr_1:ab" })).toBeNull();
    expect(targetHref({ type: "notification", id: "ntf_1" })).toBe("/notifications/ntf_1");
    expect(targetHref({ type: "topic", id: "news.weekly" })).toBe("/topics/news.weekly");
    expect(targetHref({ type: "api_key", id: "key_1" })).toBeNull();
    expect(targetHref(null)).toBeNull();
  });
});

describe("actionHint", () => {
  it("says that an export handed personal data out, and nothing for actions that speak for themselves", () => {
    expect(actionHint("user.export")).toMatch(/^personal data handed out/);
    expect(actionHint("user.erase")).toBe("personal data erased");
    expect(actionHint("api_key.create")).toBeNull();
    expect(detailsText({ securityContent: "hidden" })).toBe("securityContent: hidden");
  });
});
