import { CATEGORIES, CHANNELS } from "@herald/domain";
import { describe, expect, it } from "vitest";
import { INBOX_LABELS, inboxLabels } from "./inbox-labels.ts";

describe("inboxLabels", () => {
  it("picks the built-in set by the locale's language, English otherwise", () => {
    expect(inboxLabels().title).toBe("Notifications");
    expect(inboxLabels("de").title).toBe("Benachrichtigungen");
    expect(inboxLabels("de-AT").markAllRead).toBe("Alle als gelesen markieren");
    expect(inboxLabels("DE_ch").loadMore).toBe("Mehr laden");
    expect(inboxLabels("fr-FR").title).toBe("Notifications");
    expect(inboxLabels("").title).toBe("Notifications");
    // A language tag that names an Object.prototype member is not a built-in set.
    expect(inboxLabels("constructor").title).toBe("Notifications");
  });

  it("lays overrides over the language's set", () => {
    const labels = inboxLabels("de", { loadMore: "Ältere laden" });
    expect(labels.loadMore).toBe("Ältere laden");
    expect(labels.retry).toBe("Erneut versuchen");
    expect(inboxLabels("de").loadMore).toBe("Mehr laden");
  });

  it("formats the counted and per-item texts", () => {
    expect(inboxLabels("en").bellUnread("Inbox", 3)).toBe("Inbox, 3 unread");
    expect(inboxLabels("de").bellUnread("Benachrichtigungen", 3)).toBe("Benachrichtigungen, 3 ungelesen");
    expect(inboxLabels("de").archiveItem("Bestellung")).toBe("Archivieren: Bestellung");
    expect(inboxLabels("de").saveFailed("offline")).toBe(
      "Die Änderung konnte nicht gespeichert werden: offline",
    );
  });

  it("every built-in set names every channel and category, English with the domain's descriptions", () => {
    for (const labels of Object.values(INBOX_LABELS)) {
      expect(Object.keys(labels.channels).sort()).toEqual([...CHANNELS].sort());
      expect(Object.keys(labels.categories).sort()).toEqual(Object.keys(CATEGORIES).sort());
    }
    expect(inboxLabels("en").categories.security).toEqual({
      label: "Security",
      description: CATEGORIES.security.description,
    });
  });
});
