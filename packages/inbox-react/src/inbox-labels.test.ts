import { CATEGORIES, CHANNELS } from "@herald/domain";
import { describe, expect, it } from "vitest";
import { INBOX_LABELS, inboxLabels } from "./inbox-labels.ts";

/** Every text of a set by its path (`channels.sms`), functions called with a title and a count. */
function texts(labels: object, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))) {
    if (typeof value === "string") out.set(prefix + key, value);
    else if (typeof value === "function") out.set(prefix + key, value("Title", 3));
    else for (const [k, v] of texts(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

/** Texts a language rightly shares with English. */
const SAME_AS_ENGLISH = new Set([
  "de channels.sms",
  "de channels.push",
  "de categories.marketing.label",
  "fr title",
  "fr channels.sms",
  "fr channels.push",
  "fr categories.marketing.label",
]);

describe("inboxLabels", () => {
  it("picks the built-in set by the locale's language, English otherwise", () => {
    expect(inboxLabels().title).toBe("Notifications");
    expect(inboxLabels("de").title).toBe("Benachrichtigungen");
    expect(inboxLabels("de-AT").markAllRead).toBe("Alle als gelesen markieren");
    expect(inboxLabels("DE_ch").loadMore).toBe("Mehr laden");
    expect(inboxLabels("fr-CA").markAllRead).toBe("Tout marquer comme lu");
    expect(inboxLabels("FR").loadMore).toBe("Afficher plus");
    expect(inboxLabels("it-IT").title).toBe("Notifications");
    expect(inboxLabels("it-IT").loadMore).toBe("Load more");
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
    expect(inboxLabels("fr").bellUnread("Notifications", 1)).toBe("Notifications, 1 non lue");
    expect(inboxLabels("fr").bellUnread("Notifications", 3)).toBe("Notifications, 3 non lues");
    expect(inboxLabels("fr").archiveItem("Commande")).toBe("Archiver\u00a0: Commande");
    expect(inboxLabels("fr").loadFailed("hors ligne")).toBe(
      "Impossible de charger vos préférences\u00a0: hors ligne",
    );
  });

  it("every built-in set has every text, channel and category; the translated ones fall back to English nowhere", () => {
    expect(Object.keys(INBOX_LABELS)).toEqual(["en", "de", "fr"]);
    const english = texts(INBOX_LABELS.en!);
    for (const [language, labels] of Object.entries(INBOX_LABELS)) {
      const own = texts(labels);
      expect([...own.keys()], language).toEqual([...english.keys()]);
      for (const [name, text] of own) {
        expect(text.trim(), `${language} ${name}`).not.toBe("");
        if (language !== "en" && !SAME_AS_ENGLISH.has(`${language} ${name}`))
          expect(text, `${language} ${name}`).not.toBe(english.get(name));
      }
      expect(Object.keys(labels.channels).sort(), language).toEqual([...CHANNELS].sort());
      expect(Object.keys(labels.categories).sort(), language).toEqual(Object.keys(CATEGORIES).sort());
    }
    // English takes the domain's descriptions, so the two cannot drift apart.
    expect(inboxLabels("en").categories.security).toEqual({
      label: "Security",
      description: CATEGORIES.security.description,
    });
  });
});
