import { type FormEvent, type ReactNode, useState } from "react";
import { ApiError, type Session } from "../api/client.ts";
import { useSignIn } from "../auth.tsx";

/**
 * E-mail, password, "Sign in": the sign-in page's form, and the one the
 * session-ended dialog shows over the page. `keepDataOf`: the user whose
 * loaded pages stay (signing in again as them only refreshes them).
 */
export function SignInForm({
  heading,
  lead,
  defaultEmail = "",
  keepDataOf,
  onSignedIn,
}: {
  heading: ReactNode;
  lead: ReactNode;
  defaultEmail?: string;
  keepDataOf?: string;
  onSignedIn?: (session: Session) => void;
}) {
  const signIn = useSignIn(keepDataOf);
  const [email, setEmail] = useState(defaultEmail);
  const [password, setPassword] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email, password }, { ...(onSignedIn ? { onSuccess: onSignedIn } : {}) });
  };
  const err = signIn.error;
  return (
    <form className="login-card" onSubmit={submit} noValidate>
      <div className="brand login-brand">
        <span className="logo" aria-hidden="true">
          H
        </span>
        Herald
      </div>
      {heading}
      <p className="muted login-lead">{lead}</p>
      <label className="field">
        <span>Email</span>
        <input
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
      </label>
      <label className="field">
        <span>Password</span>
        <input
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      {err && (
        <p className="form-error" role="alert">
          {err instanceof ApiError && err.status === 401 ? "Wrong email or password." : err.message}
        </p>
      )}
      <button
        type="submit"
        className="btn btn-primary btn-block"
        disabled={signIn.isPending || !email || !password}
      >
        {signIn.isPending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
