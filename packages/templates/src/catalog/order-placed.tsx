/** @jsxRuntime automatic */

import { z } from "zod";
import { type ChannelTemplates, defineNotification } from "../define-notification.ts";
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

/** The words of one language; the markup is shared (`templatesIn`). */
interface Words {
  items: (n: number) => string;
  confirmed: (orderId: string) => string;
  /** "2 items, 59,90 € in total". */
  summary: (items: string, total: string) => string;
  heading: string;
  received: (orderId: string) => string;
  total: string;
  view: string;
  sms: (brandName: string, orderId: string, total: string) => string;
  pushTitle: string;
  pushBody: (orderId: string, items: string, total: string) => string;
}

const en: Words = {
  items: (n) => `${n} item${n === 1 ? "" : "s"}`,
  confirmed: (id) => `Order ${id} confirmed`,
  summary: (items, total) => `${items}, ${total} in total`,
  heading: "Thanks for your order",
  received: (id) => `We received order ${id} and are getting it ready.`,
  total: "Total",
  view: "View your order",
  sms: (brand, id, total) => `${brand}: order ${id} confirmed, ${total}.`,
  pushTitle: "Order confirmed",
  pushBody: (id, items, total) => `Order ${id}: ${items}, ${total}`,
};

const de: Words = {
  // "Artikel" is the same in the singular and the plural.
  items: (n) => `${n} Artikel`,
  confirmed: (id) => `Bestellung ${id} bestätigt`,
  summary: (items, total) => `${items}, insgesamt ${total}`,
  heading: "Vielen Dank für Ihre Bestellung",
  received: (id) => `Wir haben Ihre Bestellung ${id} erhalten und bereiten sie jetzt vor.`,
  total: "Gesamtsumme",
  view: "Bestellung ansehen",
  sms: (brand, id, total) => `${brand}: Bestellung ${id} bestätigt, ${total}.`,
  pushTitle: "Bestellung bestätigt",
  pushBody: (id, items, total) => `Bestellung ${id}: ${items}, ${total}`,
};

// French sets a non-breaking space before a colon.
const fr: Words = {
  items: (n) => `${n} ${n <= 1 ? "article" : "articles"}`,
  confirmed: (id) => `Commande ${id} confirmée`,
  summary: (items, total) => `${items}, ${total} au total`,
  heading: "Merci pour votre commande",
  received: (id) => `Nous avons bien reçu votre commande ${id} et nous la préparons.`,
  total: "Total",
  view: "Voir ma commande",
  sms: (brand, id, total) => `${brand}\u00a0: commande ${id} confirmée, ${total}.`,
  pushTitle: "Commande confirmée",
  pushBody: (id, items, total) => `Commande ${id}\u00a0: ${items}, ${total}`,
};

const itemCount = (w: Words, d: OrderPlaced) => w.items(d.items.reduce((sum, i) => sum + i.quantity, 0));

function templatesIn(w: Words): ChannelTemplates<OrderPlaced> {
  return {
    email: {
      subject: (d) => w.confirmed(d.orderId),
      preview: (d, ctx) => w.summary(itemCount(w, d), money(d.total, d.currency, ctx.locale)),
      component: ({ data: d, ctx }) => (
        <Layout ctx={ctx} preview={w.confirmed(d.orderId)}>
          <Heading style={heading}>{w.heading}</Heading>
          <Text style={paragraph}>{w.received(d.orderId)}</Text>
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
              <Column style={{ ...paragraph, fontWeight: 700 }}>{w.total}</Column>
              <Column align="right" style={{ ...paragraph, fontWeight: 700 }}>
                {money(d.total, d.currency, ctx.locale)}
              </Column>
            </Row>
          </Section>
          {d.url ? (
            <Button href={d.url} style={button}>
              {w.view}
            </Button>
          ) : null}
        </Layout>
      ),
    },
    sms: (d, ctx) =>
      `${w.sms(ctx.brandName, d.orderId, money(d.total, d.currency, ctx.locale))}${d.url ? ` ${d.url}` : ""}`,
    push: (d, ctx) => ({
      title: w.pushTitle,
      body: w.pushBody(d.orderId, itemCount(w, d), money(d.total, d.currency, ctx.locale)),
      ...(d.url ? { url: d.url } : {}),
    }),
    in_app: (d, ctx) => ({
      title: w.confirmed(d.orderId),
      body: `${w.summary(itemCount(w, d), money(d.total, d.currency, ctx.locale))}.`,
      ...(d.url ? { url: d.url } : {}),
    }),
  };
}

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
  templates: templatesIn(en),
  translations: { de: templatesIn(de), fr: templatesIn(fr) },
});
