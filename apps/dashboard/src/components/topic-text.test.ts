import { describe, expect, it } from "vitest";
import { deleteTopicQuestion, subscribersText } from "./topic-text.ts";

describe("subscribersText", () => {
  it("counts one subscriber in the singular and thousands with separators", () => {
    expect(subscribersText(0)).toBe("0 subscribers");
    expect(subscribersText(1)).toBe("1 subscriber");
    expect(subscribersText(1840)).toBe("1,840 subscribers");
  });
});

describe("deleteTopicQuestion", () => {
  it("names the topic and its subscriber count, says the users stay and events on their way stop", () => {
    const q = deleteTopicQuestion("news.weekly", 1840);
    expect(q).toMatch(/^Delete the topic news\.weekly\?/);
    expect(q).toContain("Its 1,840 subscribers are taken off it; the users themselves stay.");
    expect(q).toContain("reaches no one it has not reached yet");
    expect(q).toContain("Only your app can subscribe users to it again.");
  });

  it("says so when no one is subscribed", () => {
    expect(deleteTopicQuestion("empty", 0)).toContain("It has no subscribers.");
  });
});
