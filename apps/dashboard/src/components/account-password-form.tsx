import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, unwrap } from "../api/client.ts";
import { ACCOUNTS_QUERY, type Account, confirmQuestion, doneText } from "./account-actions.ts";
import { accountFormErrors } from "./account-form-errors.ts";
import { FieldError, invalidProps } from "./field-error.tsx";
import { FormActions } from "./form-actions.tsx";
import type { FormErrors } from "./form-errors.ts";
import { useToast } from "./toast.tsx";

/**
 * A row's "Set password": the new password, set after a confirmation that
 * it signs the account out everywhere. For one's own account that includes
 * this browser: once set, the session check finds no session and the
 * sign-in dialog opens over the page.
 */
export function AccountPasswordForm({
  account,
  own,
  onDone,
}: {
  account: Account;
  own: boolean;
  onDone: () => void;
}) {
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FormErrors>({});
  const client = useQueryClient();
  const toast = useToast();
  const set = useMutation({
    mutationFn: (value: string) =>
      unwrap(
        api.PATCH("/v1/dashboard/accounts/{accountId}", {
          params: { path: { accountId: account.id } },
          body: { password: value },
        }),
      ),
    onSuccess: () => {
      toast("ok", doneText("password", account, own));
      if (own) void client.invalidateQueries({ queryKey: ["session"] });
      onDone();
    },
    onError: (e) => {
      setErrors(accountFormErrors(e, "change"));
      toast("bad", `Password not set: ${e.message}`);
    },
    onSettled: () => client.invalidateQueries({ queryKey: ACCOUNTS_QUERY }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    if (window.confirm(confirmQuestion("password", account, own))) set.mutate(password);
  };
  const id = `password-${account.id}`;
  return (
    <form
      className="account-password"
      onSubmit={submit}
      aria-label={`New password for ${account.email}`}
      noValidate
    >
      <label className="field">
        <span>New password for {own ? "your account" : account.email}</span>
        {/* Shown as typed: the admin tells it to the person, so a typo must be visible. */}
        <input
          name="password"
          type="text"
          className="mono"
          value={password}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setPassword(e.target.value)}
          aria-describedby={`${id}-hint`}
          {...invalidProps(errors, "password")}
        />
        <FieldError errors={errors} name="password" />
      </label>
      {errors.form && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
      <p className="muted small" id={`${id}-hint`}>
        {own
          ? "At least 12 characters. This signs you out everywhere, this browser included: you sign in again with it."
          : "At least 12 characters. This signs them out everywhere; tell them the new password yourself."}
      </p>
      <FormActions label="Set password" busyLabel="Setting…" busy={set.isPending} onCancel={onDone} small />
    </form>
  );
}
