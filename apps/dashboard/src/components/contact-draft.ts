import type { UserFields, UserRecord } from "../api/client.ts";
import { fieldOfPath } from "./form-errors.ts";

/** The contact fields the dashboard edits; `properties` stays the app's to set. */
export const CONTACT_FIELDS = ["email", "phone", "locale", "timezone"] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** The contact form's inputs: text, "" for a field not set. */
export type ContactDraft = Record<ContactField, string>;

/** The form's starting values, from the user as the API answered. */
export function toContactDraft(user: Pick<UserRecord, ContactField>): ContactDraft {
  return {
    email: user.email ?? "",
    phone: user.phone ?? "",
    locale: user.locale ?? "",
    timezone: user.timezone ?? "",
  };
}

/**
 * The body of `PUT /v1/users/{userId}`: only the fields that differ from
 * what the form was loaded with. The route merges, so fields left out (and
 * `properties`, never sent) keep what they hold, including a change the app
 * made meanwhile. Values are trimmed; an emptied field is sent as null,
 * which clears it.
 */
export function toContactUpdate(draft: ContactDraft, base: ContactDraft): UserFields {
  const update: UserFields = {};
  for (const field of CONTACT_FIELDS) {
    const value = draft[field].trim();
    if (value !== base[field].trim()) update[field] = value === "" ? null : value;
  }
  return update;
}

/** The form field a 422 detail's path names (`email`, `phone`…), or `form` for anything else. */
export const contactFieldOf = (path: string): ContactField | "form" => fieldOfPath(CONTACT_FIELDS, path);
