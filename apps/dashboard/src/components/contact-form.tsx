import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, type UserFields, type UserRecord, unwrap } from "../api/client.ts";
import {
  CONTACT_FIELDS,
  type ContactField,
  contactFieldOf,
  toContactDraft,
  toContactUpdate,
} from "./contact-draft.ts";
import { FieldError, FormErrorSummary, invalidProps } from "./field-error.tsx";
import { FormActions } from "./form-actions.tsx";
import { type FormErrors, formErrorsOf } from "./form-errors.ts";
import { useToast } from "./toast.tsx";

/** Suggestions only: every zone this browser knows. The API decides what it accepts. */
const ZONES: readonly string[] = Intl.supportedValuesOf?.("timeZone") ?? [];

const INPUTS: Record<ContactField, { label: string; type: string; placeholder: string }> = {
  email: { label: "E-mail", type: "email", placeholder: "ada@example.com" },
  phone: { label: "Phone", type: "tel", placeholder: "+14155550100" },
  locale: { label: "Locale", type: "text", placeholder: "en-GB" },
  timezone: { label: "Time zone", type: "text", placeholder: "Europe/London" },
};

/**
 * The Contact card's edit form: e-mail, phone, locale and time zone, saved
 * through `PUT /v1/users/{userId}` with only the fields changed (see
 * {@link toContactUpdate}). The API's 422s show next to their fields, as in
 * the preferences editor; the form stays open until a save succeeds.
 */
export function ContactForm({
  userId,
  user,
  onDone,
}: {
  userId: string;
  user: UserRecord;
  onDone: () => void;
}) {
  // What the form was opened with: a save sends only what differs from it.
  const [base] = useState(() => toContactDraft(user));
  const [draft, setDraft] = useState(base);
  const [errors, setErrors] = useState<FormErrors>({});
  const toast = useToast();
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (body: UserFields) =>
      unwrap(api.PUT("/v1/users/{userId}", { params: { path: { userId } }, body })),
    onSuccess: (saved) => {
      // The answer is the whole user, devices included: no need to ask again.
      client.setQueryData(["user", userId], saved);
      // User search rows show the e-mail, phone and time zone.
      void client.invalidateQueries({ queryKey: ["user-search"] });
      toast("ok", "Contact data saved");
      onDone();
    },
    onError: (e) => setErrors(formErrorsOf(e, contactFieldOf, "press Save contact data")),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = toContactUpdate(draft, base);
    if (Object.keys(body).length === 0) onDone();
    else save.mutate(body);
  };
  return (
    // noValidate: the API is the one judge of a field, and says why next to it.
    <form className="contact-form" onSubmit={submit} aria-label="Contact data" noValidate>
      <FormErrorSummary errors={errors} title="Not saved" retry="save" />
      {CONTACT_FIELDS.map((name) => (
        <label key={name} className="field">
          <span>{INPUTS[name].label}</span>
          <input
            name={name}
            type={INPUTS[name].type}
            value={draft[name]}
            placeholder={INPUTS[name].placeholder}
            autoComplete="off"
            {...(name === "timezone" ? { list: "contact-zones" } : {})}
            onChange={(e) => setDraft((d) => ({ ...d, [name]: e.target.value }))}
            {...invalidProps(errors, name)}
          />
          <FieldError errors={errors} name={name} />
        </label>
      ))}
      <datalist id="contact-zones">
        {ZONES.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <p className="muted small">
        An emptied field is cleared. Custom properties are your app's to set: saving leaves them as they are.
      </p>
      <FormActions label="Save contact data" busyLabel="Saving…" busy={save.isPending} onCancel={onDone} />
    </form>
  );
}
