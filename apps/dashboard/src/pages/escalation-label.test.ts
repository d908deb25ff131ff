import { describe, expect, it } from "vitest";
import { escalationLabel } from "./escalation-label.ts";

describe("escalationLabel", () => {
  it("names the held channels and their wait, and nothing for a type without one", () => {
    expect(escalationLabel(null)).toBeNull();
    expect(escalationLabel({ after: "1h", channels: ["email"] })).toBe("E-mail after 1h if unread");
    expect(escalationLabel({ after: "30m", channels: ["email", "sms"] })).toBe(
      "E-mail + SMS after 30m if unread",
    );
  });
});
