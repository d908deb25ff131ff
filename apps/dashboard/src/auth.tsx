import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect } from "react";
import { ApiError, api, type Session, setUnauthorizedHandler, unwrap } from "./api/client.ts";

interface Auth {
  session: Session;
  isAdmin: boolean;
  signOut(): void;
}

const AuthContext = createContext<Auth | null>(null);

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

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) =>
      unwrap(api.POST("/v1/dashboard/session", { body }), { quiet401: true }),
    onSuccess: (session) => {
      // Another user's cached data must not show; the session query keeps its observers.
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== "session" });
      client.setQueryData(["session"], session);
    },
  });
}

/** Renders children with the session, or `fallback` (the sign-in page) without one. */
export function RequireSession({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const client = useQueryClient();
  const query = useSessionQuery();
  useEffect(() => {
    setUnauthorizedHandler(() => client.setQueryData(["session"], null));
  }, [client]);
  const signOut = useMutation({
    mutationFn: () => unwrap(api.DELETE("/v1/dashboard/session"), { quiet401: true }).catch(() => null),
    onSettled: () => {
      client.setQueryData(["session"], null);
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== "session" });
    },
  });
  if (query.isPending) return <div className="boot" aria-busy="true" />;
  if (query.isError)
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
  if (!query.data) return <>{fallback}</>;
  const auth: Auth = {
    session: query.data,
    isAdmin: query.data.user.role === "admin",
    signOut: () => signOut.mutate(),
  };
  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}
