import type { Category, Channel, Priority } from "@herald/domain";
import type { ReactElement } from "react";
import type { z } from "zod";
import type { Conditions } from "./conditions.ts";
import { CatalogError, notificationTypeProblems } from "./create-catalog.ts";
import type { DigestRules } from "./digest/digest-rules.ts";
import type { EscalationRules } from "./escalation.ts";

/** What every template gets besides the event's data. */
export interface RenderContext {
  /** The app's user id. */
  userId: string;
  /** BCP 47 locale for numbers and dates. Default `en-US`. */
  locale: string;
  /**
   * The language the templates being rendered are written in (`de`), set by
   * `renderNotification` and `renderDigest`: the e-mail frame's strings and
   * its `<html lang>` follow it. Absent: the locale's language.
   */
  language?: string;
  /** IANA time zone for dates. Default `UTC`. */
  timezone: string;
  /** Free-form recipient properties (name, plan…). */
  properties: Record<string, unknown>;
  /** Product name shown in headers and footers. */
  brandName: string;
  /** One-click unsubscribe URL for non-required e-mail; absent for required categories. */
  unsubscribeUrl?: string;
}

export interface EmailTemplate<D> {
  subject: (data: D, ctx: RenderContext) => string;
  /** Inbox preview line. */
  preview?: (data: D, ctx: RenderContext) => string;
  /** A react-email component, rendered to HTML and to plain text. */
  component: (props: { data: D; ctx: RenderContext }) => ReactElement;
}

export type PushTemplate<D> = (data: D, ctx: RenderContext) => { title: string; body: string; url?: string };

export type InAppTemplate<D> = (data: D, ctx: RenderContext) => { title: string; body: string; url?: string };

export type SmsTemplate<D> = (data: D, ctx: RenderContext) => string;

export interface ChannelTemplates<D> {
  email?: EmailTemplate<D>;
  sms?: SmsTemplate<D>;
  push?: PushTemplate<D>;
  in_app?: InAppTemplate<D>;
}

export interface NotificationType<S extends z.ZodType = z.ZodType> {
  type: string;
  description: string;
  category: Category;
  /** Default priority; an event may override it. */
  priority: Priority;
  schema: S;
  /** The default templates, in English: what a recipient gets when no translation fits their locale. */
  templates: ChannelTemplates<z.infer<S>>;
  /**
   * Translations by BCP 47 language tag (`de`, `de-AT`), each any subset of
   * the type's channels, on the same data. A recipient's locale picks the
   * exact tag, else its language, else the defaults; a channel the chosen
   * translation lacks uses the default's. Default: none.
   */
  translations?: Record<string, ChannelTemplates<z.infer<S>>>;
  /** Sample data: used by the dashboard's preview and by tests. Must match `schema`. */
  example: z.infer<S>;
  /** E-mail open and click tracking. Default: on. */
  tracking?: { opens: boolean; clicks: boolean };
  /** Whether and how its items are folded into digests (see {@link DigestRules}). Default: no rules. */
  digest?: DigestRules<z.infer<S>>;
  /**
   * Channels sent only if the others go unread for a while, e.g.
   * `{ after: "1h", channels: ["email"] }`: push and in-app at once, the
   * e-mail an hour later unless one of them was read (see
   * {@link EscalationRules}; a held channel is never digested). Not on a
   * critical type. Default: every channel goes at once.
   */
  escalation?: EscalationRules;
  /**
   * The app's own rules for sending a channel, decided by the router per
   * recipient from the event's data and what is known of the user, e.g.
   * `{ sms: { when: ({ data }) => data.total >= 100, description: "orders of 100 or more" } }`
   * (see {@link Conditions}; `all` applies to every channel). A channel whose
   * condition is false gets no notification (`condition`). They apply to
   * critical types and required categories too: they are the app's rule, not
   * the user's preference. Default: none (every channel is sent).
   */
  conditions?: Conditions<z.infer<S>>;
}

/**
 * Declares a catalog entry, inferring the data type once. Throws a
 * `CatalogError` for rules the type cannot have (digest rules on a critical
 * type…): the catalog file then fails to load, and so does the process.
 */
export function defineNotification<S extends z.ZodType>(def: NotificationType<S>): NotificationType<S> {
  const problems = notificationTypeProblems(def as NotificationType);
  if (problems.length > 0) throw new CatalogError(problems);
  return def;
}

export function channelsOf(def: Pick<NotificationType, "templates">): Channel[] {
  return (Object.keys(def.templates) as Channel[]).filter((c) => def.templates[c] !== undefined);
}

/**
 * Why `def` cannot go out on `channel`, or undefined when it can. One wording
 * for every API that names channels for a type (events, preferences), so a
 * caller learns the type's channels instead of a silent no-op.
 */
export function notSentOn(def: NotificationType, channel: string): string | undefined {
  const own = channelsOf(def);
  if ((own as string[]).includes(channel)) return undefined;
  return `${def.type} is not sent on ${channel} (its channels: ${own.join(", ")})`;
}
