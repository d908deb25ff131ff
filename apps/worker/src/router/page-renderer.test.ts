import { catalog, type NotificationType, renderContext, renderNotification } from "@herald/templates";
import { describe, expect, it } from "vitest";
import { createPageRenderer, type Render } from "./page-renderer.ts";

const promo = catalog.weekly_promo as unknown as NotificationType;
const url = (token: string) => `https://herald.example/unsubscribe/${token}`;

describe("createPageRenderer", () => {
  it("gives exactly what renderNotification gives, rendering each shared context once", async () => {
    let renders = 0;
    const counting: Render = (...args) => {
      renders++;
      return renderNotification(...args);
    };
    const render = createPageRenderer(counting);
    const contexts = Array.from({ length: 6 }, (_, i) =>
      renderContext({
        userId: `user-${i}`,
        unsubscribeUrl: url(`tok.${i}_abc-${i}`),
        ...(i % 2 ? { locale: "fr-FR", timezone: "Europe/Paris" } : {}),
      }),
    );
    const got = await Promise.all(contexts.map((ctx) => render(promo, "email", promo.example, ctx)));
    expect(renders).toBe(2);
    for (const [i, ctx] of contexts.entries()) {
      expect(got[i]).toEqual(await renderNotification(promo, "email", promo.example, ctx));
      expect(JSON.stringify(got[i])).toContain(`tok.${i}_abc-${i}`);
    }
  });

  it("renders per recipient when the template shows the user id or the token is unusual", async () => {
    const personal: NotificationType = {
      ...promo,
      templates: {
        push: (_d: unknown, ctx: { userId: string }) => ({ title: `Hi ${ctx.userId}`, body: "b" }),
      },
    } as unknown as NotificationType;
    const render = createPageRenderer();
    for (const userId of ["a<b", "c&d"]) {
      const ctx = renderContext({ userId });
      expect(await render(personal, "push", {}, ctx)).toEqual(
        await renderNotification(personal, "push", {}, ctx),
      );
    }
    const odd = renderContext({ userId: "u", unsubscribeUrl: url("to<k") });
    expect(await render(promo, "email", promo.example, odd)).toEqual(
      await renderNotification(promo, "email", promo.example, odd),
    );
  });
});
