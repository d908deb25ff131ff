import { useEffect, useRef } from "react";
import type { Session } from "../api/client.ts";
import { SignInForm } from "./sign-in-form.tsx";

/**
 * Shown over the page when the session ends under it (expired, signed out
 * elsewhere): the page stays as it was, unsaved edits included, and the user
 * signs in again right here. A modal <dialog>: the page behind is inert until
 * then, and Escape does not close it (there is nothing to go back to without
 * a session).
 */
export function SessionEndedDialog({ last }: { last: Session }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    // The e-mail is filled in: what is asked for is the password.
    dialog?.querySelector<HTMLInputElement>('input[type="password"]')?.focus();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="session-ended"
      aria-labelledby="session-ended-title"
      onCancel={(e) => e.preventDefault()}
    >
      <SignInForm
        heading={<h1 id="session-ended-title">Your session ended</h1>}
        lead="Sign in again to carry on. This page stays as it is: changes you have not saved yet are still there, to save once you are back."
        defaultEmail={last.user.email}
        keepDataOf={last.user.id}
      />
    </dialog>
  );
}
