import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import { ApiError, api, type Session, setUnauthorizedHandler, unwrap } from "./api/client.ts";
import { SessionEndedDialog } from "./components/session-ended-dialog.tsx";

interface Auth {
  session: Session;
  isAdmin: boolean;
  /** The role has `users:write`: edits contact data, devices and topic memberships. */
  canEditUsers: boolean;
  signOut(): void;
}

const AuthContext = createContext<Auth | null>(null);

/**
 * Roles whose scopes include `users:write` (ROLE_SCOPES in the API's
 * middleware/session-auth.ts: admin has every scope, support has `read` +
 * `users:write`). Only what the dashboard offers: the API checks anyway.
 */
const EDIT_USERS_ROLES: ReadonlySet<Session["user"]["role"]> = new Set(["admin", "support"]);

/** The signed-in user; only used below {@link RequireSession}. */
export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside a session");
  return auth;
}

export function useSessionQuery() {
  return useQuery({
    queryKey: ["session"],
    queryFn: async () => {
      try {
        return await unwrap(api.GET("/v1/dashboard/session"), { quiet401: true });
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
    retry: false,
    // Herald not answering at start-up (restarting, 503): ask again until it does.
    refetchInterval: (q) => (q.state.status === "error" ? 3000 : false),
  });
}

/**
 * Signs in. `keepDataOf`: the user signed in before (their session ended
 * under the page): signing in again as them keeps what the pages loaded and
 * refreshes it; anyone else starts from nothing, so no other user's data shows.
 */
export function useSignIn(keepDataOf?: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) =>
      unwrap(api.POST("/v1/dashboard/session", { body }), { quiet401: true }),
    onSuccess: (session) => {
      client.setQueryData(["session"], session);
      const others = { predicate: (q: { queryKey: readonly unknown[] }) => q.queryKey[0] !== "session" };
      // The session query keeps its observers either way.
      if (session.user.id === keepDataOf) void client.invalidateQueries(others);
      else client.removeQueries(others);
    },
  });
}

/**
 * Renders children with the session, or `fallback` (the sign-in page) without
 * one. A session that ends under a signed-in page (it expired, a call
 * answered 401) does not take the page away: it stays, inert, under a dialog
 * to sign in again, so nothing typed into it is lost. Signing out, or
 * signing in as someone else, starts afresh.
 */
export function RequireSession({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const client = useQueryClient();
  const query = useSessionQuery();
  // The session this page was signed in with, kept when it ends under the page.
  const [last, setLast] = useState<Session | null>(null);
  useEffect(() => {
    if (query.data) setLast(query.data);
  }, [query.data]);
  useEffect(() => {
    setUnauthorizedHandler(() => client.setQueryData(["session"], null));
  }, [client]);
  const signOut = useMutation({
    mutationFn: () => unwrap(api.DELETE("/v1/dashboard/session"), { quiet401: true }).catch(() => null),
    onSettled: () => {
      setLast(null);
      client.setQueryData(["session"], null);
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== "session" });
    },
  });
  const session = query.data ?? last;
  if (query.isPending) return <div className="boot" aria-busy="true" />;
  // Herald not answering the session check: at start-up there is nothing to show yet; later the
  // page stays (its own calls say what failed) rather than be replaced.
  if (query.isError && !session)
    return (
      <div className="boot">
        <div>
          <p role="alert">Herald did not answer ({query.error.message}). Retrying…</p>
          <button type="button" className="btn" onClick={() => query.refetch()} disabled={query.isFetching}>
            Try now
          </button>
        </div>
      </div>
    );
  if (!session) return <>{fallback}</>;
  const auth: Auth = {
    session,
    isAdmin: session.user.role === "admin",
    canEditUsers: EDIT_USERS_ROLES.has(session.user.role),
    signOut: () => signOut.mutate(),
  };
  return (
    // Keyed by user: signing in as someone else in the dialog replaces the page and its state.
    <AuthContext.Provider key={session.user.id} value={auth}>
      {children}
      {!query.data && !query.isError && <SessionEndedDialog last={session} />}
    </AuthContext.Provider>
  );
}
