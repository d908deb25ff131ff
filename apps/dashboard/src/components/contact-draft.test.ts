import { describe, expect, it } from "vitest";
import { contactFieldOf, toContactDraft, toContactUpdate } from "./contact-draft.ts";

const loaded = toContactDraft({
  email: "ada@example.com",
  phone: "+14155550100",
  locale: null,
  timezone: "Europe/London",
});

describe("the contact form's draft", () => {
  it("starts from the user's fields, an unset one as empty text", () => {
    expect(loaded).toEqual({
      email: "ada@example.com",
      phone: "+14155550100",
      locale: "",
      timezone: "Europe/London",
    });
  });

  it("sends only the fields that changed, trimmed, so the rest (and properties) keep their value", () => {
    expect(toContactUpdate(loaded, loaded)).toEqual({});
    expect(toContactUpdate({ ...loaded, email: "  ada@new.example ", locale: "en-GB" }, loaded)).toEqual({
      email: "ada@new.example",
      locale: "en-GB",
    });
    // Only whitespace added: nothing changed.
    expect(toContactUpdate({ ...loaded, timezone: "Europe/London " }, loaded)).toEqual({});
  });

  it("sends null for a field emptied, which clears it", () => {
    expect(toContactUpdate({ ...loaded, phone: "  " }, loaded)).toEqual({ phone: null });
  });

  it("maps the API's 422 paths to the fields, anything else to the form", () => {
    expect(contactFieldOf("phone")).toBe("phone");
    expect(contactFieldOf("timezone")).toBe("timezone");
    expect(contactFieldOf("properties.name")).toBe("form");
    expect(contactFieldOf("")).toBe("form");
  });
});
