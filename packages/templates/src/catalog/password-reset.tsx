/** @jsxRuntime automatic */

import { z } from "zod";
import { type ChannelTemplates, defineNotification } from "../define-notification.ts";
import { Button, Heading, Text } from "../email/components.ts";
import { button, heading, Layout, paragraph } from "../email/layout.tsx";
import { linkUrl } from "../link-url.ts";

const schema = z.object({
  resetUrl: linkUrl(),
  expiresInMinutes: z.number().int().positive(),
});

type PasswordReset = z.infer<typeof schema>;

/** The words of one language; the markup is shared (`templatesIn`). */
interface Words {
  subject: string;
  expires: (minutes: number) => string;
  asked: (brandName: string, minutes: number) => string;
  choose: string;
  notYou: string;
  sms: (brandName: string, minutes: number, url: string) => string;
}

const enMinutes = (m: number) => `${m} ${m === 1 ? "minute" : "minutes"}`;

const en: Words = {
  subject: "Reset your password",
  expires: (m) => `This link expires in ${enMinutes(m)}`,
  asked: (brand, m) =>
    `Someone asked to reset the password of your ${brand} account. If it was you, use the button below. The link expires in ${enMinutes(m)}.`,
  choose: "Choose a new password",
  notYou: "If you did not ask for this, ignore this e-mail: your password stays as it is.",
  sms: (brand, m, url) => `${brand}: reset your password within ${m} min: ${url}`,
};

const deMinutes = (m: number) => (m === 1 ? "eine Minute" : `${m} Minuten`);

const de: Words = {
  subject: "Setzen Sie Ihr Passwort zurück",
  expires: (m) => `Dieser Link ist ${deMinutes(m)} lang gültig`,
  asked: (brand, m) =>
    `Jemand hat angefordert, das Passwort Ihres Kontos bei ${brand} zurückzusetzen. Wenn Sie das waren, verwenden Sie die Schaltfläche unten. Der Link ist ${deMinutes(m)} lang gültig.`,
  choose: "Neues Passwort festlegen",
  notYou:
    "Wenn Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren: Ihr Passwort bleibt unverändert.",
  sms: (brand, m, url) => `${brand}: Setzen Sie Ihr Passwort innerhalb von ${m} Min. zurück: ${url}`,
};

// French puts 0 and 1 in the singular.
const frMinutes = (m: number) => `${m} ${m <= 1 ? "minute" : "minutes"}`;

// French sets a non-breaking space before a colon.
const fr: Words = {
  subject: "Réinitialisez votre mot de passe",
  expires: (m) => `Ce lien expire dans ${frMinutes(m)}`,
  asked: (brand, m) =>
    `Nous avons reçu une demande de réinitialisation du mot de passe de votre compte ${brand}. Si elle vient de vous, cliquez sur le bouton ci-dessous. Ce lien expire dans ${frMinutes(m)}.`,
  choose: "Choisir un nouveau mot de passe",
  notYou:
    "Si vous n’êtes pas à l’origine de cette demande, ignorez cet e-mail\u00a0: votre mot de passe reste inchangé.",
  sms: (brand, m, url) =>
    `${brand}\u00a0: réinitialisez votre mot de passe d’ici ${m}\u00a0min\u00a0: ${url}`,
};

function templatesIn(w: Words): ChannelTemplates<PasswordReset> {
  return {
    email: {
      subject: () => w.subject,
      preview: (d) => w.expires(d.expiresInMinutes),
      component: ({ data: d, ctx }) => (
        <Layout ctx={ctx} preview={w.subject}>
          <Heading style={heading}>{w.subject}</Heading>
          <Text style={paragraph}>{w.asked(ctx.brandName, d.expiresInMinutes)}</Text>
          <Button href={d.resetUrl} style={button}>
            {w.choose}
          </Button>
          <Text style={{ ...paragraph, marginTop: "24px" }}>{w.notYou}</Text>
        </Layout>
      ),
    },
    sms: (d, ctx) => w.sms(ctx.brandName, d.expiresInMinutes, d.resetUrl),
  };
}

export const passwordReset = defineNotification({
  type: "password_reset",
  description: "A password reset link. Critical: never delayed, digested or capped.",
  category: "security",
  priority: "critical",
  schema,
  example: { resetUrl: "https://app.example.com/reset?token=demo", expiresInMinutes: 30 },
  // Security mail: no tracking pixel, no rewritten links.
  tracking: { opens: false, clicks: false },
  templates: templatesIn(en),
  translations: { de: templatesIn(de), fr: templatesIn(fr) },
});
