import { describe, expect, it } from "vitest";
import { conditionLabels } from "./condition-labels.ts";

describe("conditionLabels", () => {
  it("names each condition's channel (`all`: every channel) and its description, and nothing for a type without any", () => {
    expect(conditionLabels([])).toEqual([]);
    expect(
      conditionLabels([
        { channel: "all", description: "unless the event is silent" },
        { channel: "sms", description: "orders of 100 or more" },
        { channel: "in_app", description: "users on the pro plan" },
      ]),
    ).toEqual([
      "Every channel only if: unless the event is silent",
      "SMS only if: orders of 100 or more",
      "In-app only if: users on the pro plan",
    ]);
  });
});
