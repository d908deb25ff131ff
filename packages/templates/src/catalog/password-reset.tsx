/** @jsxRuntime automatic */

import { z } from "zod";
import { defineNotification } from "../define-notification.ts";
import { Button, Heading, Text } from "../email/components.ts";
import { button, heading, Layout, paragraph } from "../email/layout.tsx";
import { linkUrl } from "../link-url.ts";

const schema = z.object({
  resetUrl: linkUrl(),
  expiresInMinutes: z.number().int().positive(),
});

export const passwordReset = defineNotification({
  type: "password_reset",
  description: "A password reset link. Critical: never delayed, digested or capped.",
  category: "security",
  priority: "critical",
  schema,
  example: { resetUrl: "https://app.example.com/reset?token=demo", expiresInMinutes: 30 },
  // Security mail: no tracking pixel, no rewritten links.
  tracking: { opens: false, clicks: false },
  templates: {
    email: {
      subject: () => "Reset your password",
      preview: (d) => `This link expires in ${d.expiresInMinutes} minutes`,
      component: ({ data: d, ctx }) => (
        <Layout ctx={ctx} preview="Reset your password">
          <Heading style={heading}>Reset your password</Heading>
          <Text style={paragraph}>
            Someone asked to reset the password of your {ctx.brandName} account. If it was you, use the button
            below. The link expires in {d.expiresInMinutes} minutes.
          </Text>
          <Button href={d.resetUrl} style={button}>
            Choose a new password
          </Button>
          <Text style={{ ...paragraph, marginTop: "24px" }}>
            If you did not ask for this, ignore this e-mail: your password stays as it is.
          </Text>
        </Layout>
      ),
    },
    sms: (d, ctx) => `${ctx.brandName}: reset your password within ${d.expiresInMinutes} min: ${d.resetUrl}`,
  },
});
