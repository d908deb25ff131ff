import { describe, expect, it } from "vitest";
import { pinnedText } from "./pinned-text.ts";

describe("pinnedText", () => {
  it("names the provider and why it alone sends", () => {
    expect(pinnedText({ channel: "email", pinnedProvider: "resend" })).toBe(
      "Pinned to resend: an earlier attempt may have left the e-mail there; it is sent only through resend, with the same key, so it cannot arrive twice through another provider.",
    );
  });

  it("is null for a notification that is not pinned", () => {
    expect(pinnedText({ channel: "email" })).toBeNull();
    expect(pinnedText({ channel: "email", pinnedProvider: "" })).toBeNull();
  });
});
