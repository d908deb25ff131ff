/** @jsxRuntime automatic */

import { z } from "zod";
import { defineNotification, type EmailTemplate } from "../define-notification.ts";
import { Button, Heading, Text } from "../email/components.ts";
import { button, heading, Layout, paragraph } from "../email/layout.tsx";
import { linkUrl } from "../link-url.ts";

const schema = z.object({
  headline: z.string().min(1).max(200),
  body: z.string().min(1).max(5000),
  ctaUrl: linkUrl(),
});

type WeeklyPromo = z.infer<typeof schema>;

/** The offer's text is the caller's: only the button is Herald's to translate. */
const emailWith = (cta: string): EmailTemplate<WeeklyPromo> => ({
  subject: (d) => d.headline,
  preview: (d) => d.body.slice(0, 120),
  component: ({ data: d, ctx }) => (
    <Layout ctx={ctx} preview={d.body.slice(0, 120)}>
      <Heading style={heading}>{d.headline}</Heading>
      <Text style={paragraph}>{d.body}</Text>
      <Button href={d.ctaUrl} style={button}>
        {cta}
      </Button>
    </Layout>
  ),
});

export const weeklyPromo = defineNotification({
  type: "weekly_promo",
  description: "Marketing: this week's offer. Low priority, follows opt-outs, caps and digests.",
  category: "marketing",
  priority: "low",
  schema,
  example: {
    headline: "20% off linen this week",
    body: "Our summer collection is here.",
    ctaUrl: "https://shop.example.com/linen",
  },
  templates: {
    email: emailWith("See the offer"),
    push: (d) => ({ title: d.headline, body: d.body.slice(0, 140), url: d.ctaUrl }),
  },
  // Push is only the caller's headline and text: the default serves every language.
  translations: { de: { email: emailWith("Zum Angebot") }, fr: { email: emailWith("Découvrir l’offre") } },
});
