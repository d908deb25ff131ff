import { describe, expect, it } from "vitest";
import {
  addedByText,
  liftedText,
  liftQuestion,
  type Suppression,
  suppressedText,
  suppressionsQuery,
  suppressQuestion,
} from "./suppression-text.ts";

const suppression = (over: Partial<Suppression> = {}): Suppression => ({
  channel: "email",
  reason: "bounced",
  provider: "resend",
  notificationId: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3x",
  detail: null,
  note: null,
  suppressedBy: null,
  createdAt: "2026-11-24T09:00:03.000Z",
  updatedAt: "2026-11-24T09:00:03.000Z",
  ...over,
});

describe("liftQuestion", () => {
  it("names the user and the address, and says a bounce may come back", () => {
    expect(liftQuestion("ada", suppression())).toBe(
      "Lift the suppression of ada's e-mail address? Herald sends to it again. If the mailbox still does not work, the next bounce suppresses it again.",
    );
    expect(liftQuestion("ada", suppression({ channel: "sms", provider: "twilio" }))).toMatch(
      /^Lift the suppression of ada's phone number\?.*next refusal/,
    );
  });

  it("warns that lifting a spam complaint is the operator's responsibility", () => {
    const ask = liftQuestion("ada", suppression({ reason: "complained" }));
    expect(ask).toMatch(/^ada's e-mail address is suppressed because they reported a message as spam/);
    expect(ask).toContain("your responsibility");
  });
});

describe("suppressionsQuery and liftedText", () => {
  it("keys the query by the addresses, and says which one was lifted", () => {
    expect(suppressionsQuery("ada", "a@example.com", null)).not.toEqual(
      suppressionsQuery("ada", "b@example.com", null),
    );
    expect(liftedText(suppression({ channel: "sms" }))).toBe("Phone suppression lifted");
  });
});

describe("suppressions added by hand", () => {
  it("say who added one: a dashboard account by its e-mail address, an API key by its name", () => {
    expect(addedByText(suppression())).toBeNull();
    const manual = (via: "dashboard" | "api_key", name: string) =>
      suppression({ reason: "manual", provider: null, suppressedBy: { via, id: "adm_1", name } });
    expect(addedByText(manual("dashboard", "sam@example.com"))).toBe("added by sam@example.com");
    expect(addedByText(manual("api_key", "support tools"))).toBe("added with the API key “support tools”");
  });

  it("ask before suppressing, saying it stops critical messages too and holds for anyone with the address", () => {
    const ask = suppressQuestion("ada", "sms");
    expect(ask).toMatch(/^Suppress ada's phone number\? /);
    expect(ask).toContain("critical messages included");
    expect(ask).toContain("anyone else with it");
    expect(suppressedText("email", true)).toBe("E-mail suppressed");
    expect(suppressedText("sms", false)).toBe("Phone was already suppressed: its entry is unchanged");
  });
});
