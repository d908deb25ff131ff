import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, type Schemas, unwrap } from "../api/client.ts";
import { ACCOUNTS_QUERY } from "./account-actions.ts";
import { accountFormErrors } from "./account-form-errors.ts";
import { FieldError, FormErrorSummary, invalidProps } from "./field-error.tsx";
import { FormActions } from "./form-actions.tsx";
import type { FormErrors } from "./form-errors.ts";
import { useToast } from "./toast.tsx";

type NewAccount = Schemas["NewDashboardAccount"];

const EMPTY: NewAccount = { email: "", role: "support", password: "" };

/**
 * "Add account": e-mail, role and a first password, through
 * `POST /v1/dashboard/accounts`. The API's 422s show next to their fields
 * and a taken e-mail next to the e-mail; the form stays open, with what was
 * typed, until an account is added.
 */
export function AddAccountForm({ onDone }: { onDone: () => void }) {
  const [draft, setDraft] = useState(EMPTY);
  const [errors, setErrors] = useState<FormErrors>({});
  const client = useQueryClient();
  const toast = useToast();
  const add = useMutation({
    mutationFn: (body: NewAccount) => unwrap(api.POST("/v1/dashboard/accounts", { body })),
    onSuccess: (account) => {
      toast("ok", `Added ${account.email} (${account.role})`);
      onDone();
    },
    onError: (e) => {
      setErrors(accountFormErrors(e, "add"));
      toast("bad", `Not added: ${e.message}`);
    },
    onSettled: () => client.invalidateQueries({ queryKey: ACCOUNTS_QUERY }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    // The password is kept as typed: spaces in it are the person's to type too.
    add.mutate({ ...draft, email: draft.email.trim() });
  };
  const set = (field: keyof NewAccount) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [field]: e.target.value }));
  const invalid = (field: string) => invalidProps(errors, field);
  return (
    // noValidate: the API is the one judge of a field, and says why next to it.
    <form className="account-form" onSubmit={submit} aria-label="Add account" noValidate>
      <FormErrorSummary errors={errors} title="Not added" retry="add" />
      <div className="account-fields">
        <label className="field">
          <span>E-mail</span>
          <input
            name="email"
            type="email"
            value={draft.email}
            placeholder="lin@example.com"
            autoComplete="off"
            onChange={set("email")}
            {...invalid("email")}
          />
          <FieldError errors={errors} name="email" />
        </label>
        <label className="field">
          <span>Role</span>
          <select name="role" value={draft.role} onChange={set("role")} {...invalid("role")}>
            <option value="support">support</option>
            <option value="admin">admin</option>
          </select>
          <FieldError errors={errors} name="role" />
        </label>
        <label className="field">
          <span>First password</span>
          {/* Shown as typed: the admin reads it out to the person, so a typo must be visible. */}
          <input
            name="password"
            type="text"
            className="mono"
            value={draft.password}
            autoComplete="off"
            spellCheck={false}
            onChange={set("password")}
            aria-describedby="first-password-hint"
            {...invalid("password")}
          />
          <FieldError errors={errors} name="password" />
        </label>
      </div>
      <p className="muted small" id="first-password-hint">
        At least 12 characters. Herald does not send it: tell it to the person yourself (in person, by phone).
        You can give them a new one later with “Set password”. Support can look up users and edit their
        contact data; admins can do everything, managing accounts included.
      </p>
      <FormActions label="Add account" busyLabel="Adding…" busy={add.isPending} onCancel={onDone} />
    </form>
  );
}
