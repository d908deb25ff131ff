import { describe, expect, it } from "vitest";
import { z } from "zod";
import { catalog } from "../catalog/index.ts";
import { defineNotification, type NotificationType } from "../define-notification.ts";
import { renderContext } from "../render.ts";
import { collapseEntries, type SummarizedItem } from "./collapse.ts";
import type { DigestCollapse } from "./digest-rules.ts";
import { renderDigest } from "./render-digest.ts";
import { type DigestEntry, summarizeNotification } from "./summarize.ts";

const ctx = renderContext({ userId: "u1" });

function type(name: string, collapse?: DigestCollapse): NotificationType {
  return defineNotification({
    type: name,
    description: name,
    category: "transactional",
    priority: "normal",
    schema: z.object({}),
    example: {},
    templates: { sms: () => name },
    ...(collapse ? { digest: { collapse } } : {}),
  }) as NotificationType;
}

const orders = type("order_placed_x", {
  title: (n) => `${n} new orders`,
  url: () => "https://shop.example/orders",
});
const promo = type("promo_x");
const t = (minute: number) => new Date(Date.UTC(2026, 2, 8, 9, minute));
const item = (def: NotificationType, i: number): SummarizedItem => ({
  def,
  entry: { id: `ntf_${String(i).padStart(2, "0")}`, title: `${def.type} ${i}`, at: t(i) },
});

describe("collapsing a type's items in a digest", () => {
  it("makes one entry of them, naming the first three, where the latest was; others stay as they are", () => {
    const items = [
      item(orders, 1),
      item(promo, 2),
      item(orders, 3),
      item(orders, 4),
      item(orders, 5),
      item(orders, 6),
    ];
    const out = collapseEntries(items, ctx);
    expect(out).toEqual([
      items[1]!.entry,
      {
        id: "ntf_01",
        title: "5 new orders",
        body: "order_placed_x 1 · order_placed_x 3 · order_placed_x 4 and 2 more",
        url: "https://shop.example/orders",
        at: t(6),
        count: 5,
      },
    ]);
  });

  it("counts items, not entries, in the digest's title", async () => {
    const entries = collapseEntries([item(orders, 1), item(orders, 2), item(promo, 3)], ctx);
    expect(entries).toHaveLength(2);
    expect(await renderDigest("push", entries, "daily", ctx)).toEqual({
      channel: "push",
      title: "Your daily digest: 3 updates",
      body: "2 new orders · promo_x 3",
    });
    const mail = await renderDigest("email", entries, "daily", ctx);
    if (mail.channel !== "email") throw new Error("expected email");
    expect(mail.subject).toBe("Your daily digest: 3 updates");
    expect(mail.text).toContain("3 updates you have not seen yet");
    expect(mail.text).toContain("2 new orders");
  });

  it("writes a French digest, its collapsed entry too, without one English word of Herald's", async () => {
    const comments = type("comment_x", {
      title: (n, c) => (c.locale.startsWith("fr") ? `${n} nouveaux commentaires` : `${n} new comments`),
    });
    const order = catalog.order_placed;
    const digestIn = async (locale: string) => {
      const c = renderContext({ userId: "u1", locale, unsubscribeUrl: "https://h.example/u/tok" });
      const placed = {
        def: order,
        entry: summarizeNotification(order, order.example, { channel: "sms", text: "x" }, c),
      };
      const said = [1, 2, 3, 4, 5].map((i) => ({ def: comments, entry: { title: `Ada ${i}`, at: t(i) } }));
      const entries = collapseEntries([placed, ...said], c);
      return Promise.all(
        (["email", "sms", "push", "in_app"] as const).map((ch) => renderDigest(ch, entries, "daily", c)),
      );
    };
    // What a reader sees: an e-mail's subject, preview and text (its HTML's attributes are no words).
    const words = (out: Awaited<ReturnType<typeof digestIn>>) =>
      out.map((o) =>
        o.channel === "email" ? [o.subject, o.preview, o.text].join("\n") : Object.values(o).join("\n"),
      );
    const ENGLISH =
      /\b(your|daily|digest|updates?|you|have|not|seen|yet|and|more|receive|because|account|unsubscribe)\b/i;

    const fr = await digestIn("fr-FR");
    expect(fr.map((o) => o.language)).toEqual(["fr", "fr", "fr", "fr"]);
    const [mail, sms, push] = fr;
    if (mail?.channel !== "email") throw new Error("expected email");
    expect(mail.subject).toBe("Votre récapitulatif du jour\u00a0: 6 nouveautés");
    expect(mail.text).toContain("6 nouveautés que vous n’avez pas encore vues.");
    expect(mail.text).toContain("Commande A-1042 confirmée");
    expect(mail.text).toContain("5 nouveaux commentaires");
    expect(mail.text).toContain("Ada 1 · Ada 2 · Ada 3 et 2 autres");
    expect(mail.text).toContain("Vous recevez cet e-mail car vous avez un compte Herald. Se désabonner");
    expect(sms).toMatchObject({
      text: "Herald\u00a0: votre récapitulatif du jour, 6 nouveautés\u00a0: Commande A-1042 confirmée · 5 nouveaux commentaires",
    });
    expect(push).toMatchObject({ title: "Votre récapitulatif du jour\u00a0: 6 nouveautés" });
    for (const text of words(fr)) expect(text).not.toMatch(ENGLISH);
    // The same digest in English shows what the check would catch, on every channel.
    for (const text of words(await digestIn("en-US"))) expect(text).toMatch(ENGLISH);
  });

  it("waits for `atLeast` items, and `show` names as many as it says", () => {
    const three = type("comment_x", { title: (n) => `${n} comments`, atLeast: 3, show: 0 });
    const two = [item(three, 1), item(three, 2)];
    expect(collapseEntries(two, ctx)).toEqual(two.map((i) => i.entry));
    expect(collapseEntries([...two, item(three, 3)], ctx)).toEqual([
      { id: "ntf_01", title: "3 comments", at: t(3), count: 3 },
    ]);
  });

  it("leaves the items as they were when its title throws or is empty; a throwing link is dropped", () => {
    const boom = type("boom_x", {
      title: () => {
        throw new Error("boom");
      },
    });
    const blank = type("blank_x", { title: () => "" });
    const items = [item(boom, 1), item(boom, 2), item(blank, 3), item(blank, 4)];
    expect(collapseEntries(items, ctx)).toEqual(items.map((i) => i.entry));
    const noLink = type("nolink_x", {
      title: (n) => `${n} things`,
      url: () => {
        throw new Error("no");
      },
    });
    expect(collapseEntries([item(noLink, 1), item(noLink, 2)], ctx)[0]).not.toHaveProperty("url");
  });

  it("leaves items of a type that left the catalog as they are", () => {
    const gone: SummarizedItem[] = [1, 2].map((i) => ({
      def: undefined,
      entry: { title: `x${i}` } as DigestEntry,
    }));
    expect(collapseEntries(gone, ctx)).toEqual(gone.map((i) => i.entry));
  });
});
