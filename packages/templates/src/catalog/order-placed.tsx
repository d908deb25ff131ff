/** @jsxRuntime automatic */

import { z } from "zod";
import { defineNotification } from "../define-notification.ts";
import { Button, Column, Heading, Row, Section, Text } from "../email/components.ts";
import { button, heading, Layout, paragraph } from "../email/layout.tsx";
import { money } from "../format.ts";
import { linkUrl } from "../link-url.ts";

const schema = z.object({
  orderId: z.string().min(1),
  total: z.number().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code like EUR"),
  items: z
    .array(
      z.object({
        name: z.string().min(1),
        quantity: z.number().int().min(1),
        price: z.number().nonnegative(),
      }),
    )
    .min(1),
  url: linkUrl().optional(),
});

type OrderPlaced = z.infer<typeof schema>;

const itemCount = (d: OrderPlaced) => {
  const n = d.items.reduce((sum, i) => sum + i.quantity, 0);
  return `${n} item${n === 1 ? "" : "s"}`;
};

export const orderPlaced = defineNotification({
  type: "order_placed",
  description: "An order was placed: a confirmation with its items and total.",
  category: "transactional",
  priority: "normal",
  schema,
  example: {
    orderId: "A-1042",
    total: 59.9,
    currency: "EUR",
    items: [
      { name: "Linen shirt", quantity: 1, price: 39.9 },
      { name: "Socks (3 pairs)", quantity: 2, price: 10 },
    ],
    url: "https://shop.example.com/orders/A-1042",
  },
  templates: {
    email: {
      subject: (d) => `Order ${d.orderId} confirmed`,
      preview: (d, ctx) => `${itemCount(d)}, ${money(d.total, d.currency, ctx.locale)} in total`,
      component: ({ data: d, ctx }) => (
        <Layout ctx={ctx} preview={`Order ${d.orderId} confirmed`}>
          <Heading style={heading}>Thanks for your order</Heading>
          <Text style={paragraph}>We received order {d.orderId} and are getting it ready.</Text>
          <Section style={{ margin: "8px 0 16px" }}>
            {d.items.map((item) => (
              <Row key={`${item.name}-${item.price}`}>
                <Column style={{ ...paragraph, margin: "0 0 6px" }}>
                  {item.quantity} × {item.name}
                </Column>
                <Column align="right" style={{ ...paragraph, margin: "0 0 6px" }}>
                  {money(item.price * item.quantity, d.currency, ctx.locale)}
                </Column>
              </Row>
            ))}
            <Row>
              <Column style={{ ...paragraph, fontWeight: 700 }}>Total</Column>
              <Column align="right" style={{ ...paragraph, fontWeight: 700 }}>
                {money(d.total, d.currency, ctx.locale)}
              </Column>
            </Row>
          </Section>
          {d.url ? (
            <Button href={d.url} style={button}>
              View your order
            </Button>
          ) : null}
        </Layout>
      ),
    },
    sms: (d, ctx) =>
      `${ctx.brandName}: order ${d.orderId} confirmed, ${money(d.total, d.currency, ctx.locale)}.${d.url ? ` ${d.url}` : ""}`,
    push: (d, ctx) => ({
      title: "Order confirmed",
      body: `Order ${d.orderId}: ${itemCount(d)}, ${money(d.total, d.currency, ctx.locale)}`,
      ...(d.url ? { url: d.url } : {}),
    }),
    in_app: (d, ctx) => ({
      title: `Order ${d.orderId} confirmed`,
      body: `${itemCount(d)}, ${money(d.total, d.currency, ctx.locale)} in total.`,
      ...(d.url ? { url: d.url } : {}),
    }),
  },
});
