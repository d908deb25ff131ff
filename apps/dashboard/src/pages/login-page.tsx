import { SignInForm } from "../components/sign-in-form.tsx";
import { navigate, useLocation, useTitle } from "../router.tsx";

/** Sign-in. After it, back to where the user was going (`?next=`), Bull Board included. */
export function LoginPage() {
  useTitle("Sign in");
  const { path, search } = useLocation();
  const done = () => {
    const next = search.get("next") ?? (path === "/login" ? "/" : path);
    // Only our own paths: a crafted ?next= cannot send the user elsewhere.
    const safe = next.startsWith("/") && !next.startsWith("//") ? next : "/";
    if (safe.startsWith("/admin/")) window.location.assign(safe);
    else navigate(safe, { replace: true });
  };
  return (
    <div className="login">
      <SignInForm
        heading={<h1>Sign in</h1>}
        lead="Operators and support staff. Ask an admin for an account."
        onSignedIn={done}
      />
    </div>
  );
}
