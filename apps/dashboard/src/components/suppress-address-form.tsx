import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, unwrap } from "../api/client.ts";
import { FieldError, invalidProps } from "./field-error.tsx";
import { FormActions } from "./form-actions.tsx";
import { type FormErrors, fieldOfPath, formErrorsOf } from "./form-errors.ts";
import {
  ADDRESS_NAME,
  type SuppressedChannel,
  suppressedText,
  suppressQuestion,
} from "./suppression-text.ts";
import { useToast } from "./toast.tsx";

/** The API's limit on a suppression's note. */
const NOTE_MAX = 500;

/** `POST /v1/users/{userId}/suppressions`; `created` is false when the address was already on the list (200). */
async function suppress(userId: string, channel: SuppressedChannel, note: string) {
  let status = 0;
  await unwrap(
    api
      .POST("/v1/users/{userId}/suppressions", {
        params: { path: { userId } },
        body: { channel, ...(note.trim() ? { note } : {}) },
      })
      .then((result) => {
        status = result.response.status;
        return result;
      }),
  );
  return { created: status === 201 };
}

/**
 * The Suppressions card's "Suppress address": an optional note, then a
 * confirmation, then the user's current address on `channel` goes on the
 * suppression list as `manual`, under the signed-in account's name. The
 * API's 422s (a note naming the address, an address removed meanwhile)
 * show next to the note or above the buttons.
 */
export function SuppressAddressForm({
  userId,
  channel,
  onDone,
}: {
  userId: string;
  channel: SuppressedChannel;
  onDone: () => void;
}) {
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<FormErrors>({});
  const client = useQueryClient();
  const toast = useToast();
  const add = useMutation({
    mutationFn: () => suppress(userId, channel, note),
    onSuccess: ({ created }) => {
      toast("ok", suppressedText(channel, created));
      onDone();
    },
    onError: (e) => {
      setErrors(formErrorsOf(e, (path) => fieldOfPath(["note"], path), "suppress it"));
      toast("bad", `Not suppressed: ${e.message}`);
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["user-suppressions", userId] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    if (window.confirm(suppressQuestion(userId, channel))) add.mutate();
  };
  const id = `suppress-${channel}`;
  return (
    <form
      className="suppress-form"
      onSubmit={submit}
      aria-label={`Suppress ${userId}'s ${ADDRESS_NAME[channel]}`}
      noValidate
    >
      <p>
        <strong>Suppress the {ADDRESS_NAME[channel]}</strong>
      </p>
      <label className="field">
        <span>Why (optional)</span>
        <input
          name="note"
          type="text"
          value={note}
          maxLength={NOTE_MAX}
          autoComplete="off"
          onChange={(e) => setNote(e.target.value)}
          aria-describedby={`${id}-hint`}
          {...invalidProps(errors, "note")}
        />
        <FieldError errors={errors} name="note" />
      </label>
      {errors.form && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
      <p className="muted small" id={`${id}-hint`}>
        For whoever looks later, e.g. “number reassigned” or a legal request's reference; not the address
        itself. Kept with the suppression, with your name.
      </p>
      <FormActions label="Suppress" busyLabel="Suppressing…" busy={add.isPending} onCancel={onDone} small />
    </form>
  );
}
