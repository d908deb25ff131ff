import { type FormEvent, useState } from "react";
import { ApiError } from "../api/client.ts";
import { useSignIn } from "../auth.tsx";
import { navigate, useLocation, useTitle } from "../router.tsx";

/** Sign-in. After it, back to where the user was going (`?next=`), Bull Board included. */
export function LoginPage() {
  useTitle("Sign in");
  const { path, search } = useLocation();
  const signIn = useSignIn();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate(
      { email, password },
      {
        onSuccess: () => {
          const next = search.get("next") ?? (path === "/login" ? "/" : path);
          // Only our own paths: a crafted ?next= cannot send the user elsewhere.
          const safe = next.startsWith("/") && !next.startsWith("//") ? next : "/";
          if (safe.startsWith("/admin/")) window.location.assign(safe);
          else navigate(safe, { replace: true });
        },
      },
    );
  };
  const err = signIn.error;
  return (
    <div className="login">
      <form className="login-card" onSubmit={submit} noValidate>
        <div className="brand login-brand">
          <span className="logo" aria-hidden="true">
            H
          </span>
          Herald
        </div>
        <h1>Sign in</h1>
        <p className="muted login-lead">Operators and support staff. Ask an admin for an account.</p>
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
    </div>
  );
}
