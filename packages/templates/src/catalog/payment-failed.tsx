/** @jsxRuntime automatic */

import { z } from "zod";
import { defineNotification } from "../define-notification.ts";
import { Button, Heading, Text } from "../email/components.ts";
import { button, heading, Layout, paragraph } from "../email/layout.tsx";
import { money } from "../format.ts";
import { linkUrl } from "../link-url.ts";

const schema = z.object({
  amount: z.number().nonnegative(),
  // SPEC §3 asks a string here (order_placed asks ISO 4217): a code is formatted as money, anything
  // else is written after the amount.
  currency: z.string().trim().min(1).max(32),
  reason: z.string().min(1),
  retryUrl: linkUrl().optional(),
});

export const paymentFailed = defineNotification({
  type: "payment_failed",
  description: "A payment was declined; asks the user to update their payment method.",
  category: "transactional",
  priority: "high",
  schema,
  example: {
    amount: 19.99,
    currency: "USD",
    reason: "Card declined",
    retryUrl: "https://app.example.com/billing",
  },
  templates: {
    email: {
      subject: (d, ctx) => `Your payment of ${money(d.amount, d.currency, ctx.locale)} failed`,
      preview: (d) => d.reason,
      component: ({ data: d, ctx }) => (
        <Layout ctx={ctx} preview={`Payment failed: ${d.reason}`}>
          <Heading style={heading}>We could not take your payment</Heading>
          <Text style={paragraph}>
            Your payment of {money(d.amount, d.currency, ctx.locale)} did not go through: {d.reason}.
          </Text>
          {d.retryUrl ? (
            <Button href={d.retryUrl} style={button}>
              Update payment method
            </Button>
          ) : (
            <Text style={paragraph}>Please update your payment method in your account settings.</Text>
          )}
        </Layout>
      ),
    },
    push: (d, ctx) => ({
      title: "Payment failed",
      body: `${money(d.amount, d.currency, ctx.locale)}: ${d.reason}`,
      ...(d.retryUrl ? { url: d.retryUrl } : {}),
    }),
    in_app: (d, ctx) => ({
      title: "Payment failed",
      body: `Your payment of ${money(d.amount, d.currency, ctx.locale)} failed: ${d.reason}.`,
      ...(d.retryUrl ? { url: d.retryUrl } : {}),
    }),
  },
});
