import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client.ts";
import { when } from "../format.ts";
import { useToast } from "./toast.tsx";

/**
 * The user's inbox tokens: when they were last revoked, and a button that
 * revokes them (a lost laptop, a token seen in a log). Support and admins
 * both may: it is `users:write`, like the preferences.
 */
export function InboxTokens({ userId, revokedAt }: { userId: string; revokedAt: string | null }) {
  const client = useQueryClient();
  const toast = useToast();
  const revoke = useMutation({
    mutationFn: () => unwrap(api.POST("/v1/users/{userId}/token/revoke", { params: { path: { userId } } })),
    onSuccess: () => {
      toast("ok", "Inbox tokens revoked");
      client.invalidateQueries({ queryKey: ["user", userId] });
    },
    onError: (e) => toast("bad", e.message),
  });
  return (
    <div className="inbox-tokens">
      <p className="muted small">
        The user's browser opens their inbox and preferences with a token from your app's backend.
      </p>
      <dl className="facts">
        <div>
          <dt>Last revoked</dt>
          <dd data-testid="tokens-revoked-at">{revokedAt ? when(revokedAt) : "never"}</dd>
        </div>
      </dl>
      <button
        type="button"
        className="btn"
        disabled={revoke.isPending}
        onClick={() => {
          const ask = `Revoke ${userId}'s inbox tokens? Their browser then needs a new token from your app's backend.`;
          if (window.confirm(ask)) revoke.mutate();
        }}
      >
        Revoke inbox tokens
      </button>
    </div>
  );
}
