import { DEFAULT_STATUS_WEBHOOK_STATUSES, NOTIFICATION_STATUSES } from "@herald/domain";
import { type FormEvent, useState } from "react";
import type { Schemas } from "../api/client.ts";
import { FieldError, FormErrorSummary, invalidProps } from "./field-error.tsx";
import { FormActions } from "./form-actions.tsx";
import { type FormErrors, fieldOfPath, formErrorsOf } from "./form-errors.ts";

type Status = Schemas["WebhookEndpoint"]["statuses"][number];

/** Every status an endpoint can be told of, in the lifecycle's order. */
const STATUSES: readonly Status[] = NOTIFICATION_STATUSES;
/** The API's default for a new endpoint (STATUS_WEBHOOK_STATUSES' default). */
export const DEFAULT_STATUSES: Status[] = [...DEFAULT_STATUS_WEBHOOK_STATUSES];

export interface EndpointDraft {
  url: string;
  description: string;
  statuses: Status[];
  enabled: boolean;
}

const FIELDS = ["url", "description", "statuses", "enabled"] as const;

/** A 422's details next to their fields (`statuses.2` → statuses). */
export const endpointFormErrors = (e: Error, again: string): FormErrors =>
  formErrorsOf(e, (path) => fieldOfPath(FIELDS, path), again);

/**
 * URL, description, statuses (checkboxes) and enabled, for "Add endpoint"
 * and "Edit". The API judges the fields (`noValidate`); `errors` are its
 * answers, shown next to them.
 */
export function WebhookEndpointForm({
  initial,
  label,
  busyLabel,
  busy,
  errors,
  onSubmit,
  onCancel,
  urlEditable = true,
}: {
  initial: EndpointDraft;
  label: string;
  busyLabel: string;
  busy: boolean;
  errors: FormErrors;
  onSubmit: (draft: EndpointDraft) => void;
  onCancel: () => void;
  urlEditable?: boolean;
}) {
  const [draft, setDraft] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({ ...draft, url: draft.url.trim(), description: draft.description.trim() });
  };
  const toggle = (s: Status) =>
    setDraft((d) => ({
      ...d,
      statuses: d.statuses.includes(s)
        ? d.statuses.filter((x) => x !== s)
        : STATUSES.filter((x) => x === s || d.statuses.includes(x)),
    }));
  return (
    <form className="webhook-form" onSubmit={submit} aria-label={label} noValidate>
      <FormErrorSummary errors={errors} title="Not saved" retry={label.toLowerCase()} />
      <div className="account-fields">
        <label className="field">
          <span>URL</span>
          <input
            name="url"
            type="url"
            className="mono"
            value={draft.url}
            placeholder="https://orders.example.com/herald/statuses"
            disabled={!urlEditable}
            onChange={(e) => setDraft((d) => ({ ...d, url: e.target.value }))}
            {...invalidProps(errors, "url")}
          />
          <FieldError errors={errors} name="url" />
        </label>
        <label className="field">
          <span>Description</span>
          <input
            name="description"
            value={draft.description}
            placeholder="order-service (production)"
            onChange={(e) => setDraft((d) => ({ ...d, description: e.target.value }))}
            {...invalidProps(errors, "description")}
          />
          <FieldError errors={errors} name="description" />
        </label>
      </div>
      <fieldset className="webhook-statuses" {...invalidProps(errors, "statuses")}>
        <legend>Statuses reported</legend>
        {STATUSES.map((s) => (
          <label key={s} className="check">
            <input
              type="checkbox"
              name={`status-${s}`}
              checked={draft.statuses.includes(s)}
              onChange={() => toggle(s)}
            />
            <span className="mono">{s}</span>
          </label>
        ))}
        <FieldError errors={errors} name="statuses" />
      </fieldset>
      <label className="check">
        <input
          type="checkbox"
          name="enabled"
          checked={draft.enabled}
          onChange={(e) => setDraft((d) => ({ ...d, enabled: e.target.checked }))}
        />
        <span>Enabled (disabled: nothing is recorded or sent; what waits is kept)</span>
      </label>
      <FormActions label={label} busyLabel={busyLabel} busy={busy} onCancel={onCancel} />
    </form>
  );
}
