import { type UseQueryResult, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, type UserRecord, unwrap } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { shortId, when } from "../format.ts";
import { Link } from "../router.tsx";
import { Card } from "./page-header.tsx";
import { QueryView } from "./states.tsx";
import { Badge } from "./status-badge.tsx";
import { SuppressAddressForm } from "./suppress-address-form.tsx";
import {
  ADDRESS_LABEL,
  ADDRESS_NAME,
  addedByText,
  liftedText,
  liftQuestion,
  REASON_LABEL,
  type SuppressedChannel,
  type Suppression,
  suppressionsQuery,
} from "./suppression-text.ts";
import { useToast } from "./toast.tsx";

const CHANNELS: SuppressedChannel[] = ["email", "sms"];

function SuppressionRow({
  channel,
  address,
  suppression: s,
  lifting,
  onLift,
  onSuppress,
}: {
  channel: SuppressedChannel;
  address: string | null;
  suppression: Suppression | undefined;
  lifting: boolean;
  onLift?: (s: Suppression) => void;
  /** Opens the "Suppress address" form; unset while it is open, or for roles that cannot. */
  onSuppress?: (channel: SuppressedChannel) => void;
}) {
  const label = ADDRESS_LABEL[channel];
  const addedBy = s && addedByText(s);
  return (
    <li data-suppression={channel} data-suppressed={s ? "true" : "false"}>
      <div className="item-main">
        <span className="device-kind">{label}</span>
        {!address ? (
          <span className="muted small">no address</span>
        ) : !s ? (
          <Badge tone="ok">Receiving</Badge>
        ) : (
          <>
            <Badge tone="bad">Suppressed: {REASON_LABEL[s.reason]}</Badge>
            <span className="muted small">
              {s.provider ? `reported by ${s.provider}, ` : ""}
              {addedBy ? `${addedBy}, ` : ""}since {when(s.createdAt)}
            </span>
            {s.note && <q className="suppression-note small">{s.note}</q>}
            {s.notificationId && (
              <Link
                href={`/notifications/${s.notificationId}`}
                className="mono small"
                title={s.notificationId}
              >
                {shortId(s.notificationId)}
              </Link>
            )}
          </>
        )}
      </div>
      {s && onLift && (
        <button
          type="button"
          className="btn btn-sm"
          aria-label={`Lift ${label.toLowerCase()} suppression`}
          disabled={lifting}
          onClick={() => onLift(s)}
        >
          Lift suppression
        </button>
      )}
      {address && !s && onSuppress && (
        <button
          type="button"
          className="btn btn-sm"
          aria-label={`Suppress ${ADDRESS_NAME[channel]}`}
          onClick={() => onSuppress(channel)}
        >
          Suppress address
        </button>
      )}
    </li>
  );
}

function SuppressionList({ userId, user: u }: { userId: string; user: UserRecord }) {
  const { canEditUsers } = useAuth();
  const client = useQueryClient();
  const toast = useToast();
  const [adding, setAdding] = useState<SuppressedChannel | null>(null);
  const queryKey = suppressionsQuery(userId, u.email, u.phone);
  const list = useQuery({
    queryKey,
    queryFn: () => unwrap(api.GET("/v1/users/{userId}/suppressions", { params: { path: { userId } } })),
  });
  const lift = useMutation({
    mutationFn: (s: Suppression) =>
      unwrap(
        api.DELETE("/v1/users/{userId}/suppressions/{channel}", {
          params: {
            path: { userId, channel: s.channel },
            // The confirmation said what lifting a complaint means: the API wants that said explicitly.
            query: s.reason === "complained" ? { force: "true" } : {},
          },
        }),
      ),
    onSuccess: (_lifted, s) => toast("ok", liftedText(s)),
    onError: (e) => toast("bad", e.message),
    // Also after a failure: a 404 means it was lifted (or the address changed) meanwhile.
    onSettled: () => client.invalidateQueries({ queryKey: ["user-suppressions", userId] }),
  });
  const confirmLift = (s: Suppression) => {
    if (window.confirm(liftQuestion(userId, s))) lift.mutate(s);
  };
  return (
    <QueryView query={list} rows={2}>
      {({ data }) => (
        <div className="suppressions">
          <ul>
            {CHANNELS.map((channel) => (
              <SuppressionRow
                key={channel}
                channel={channel}
                address={channel === "email" ? u.email : u.phone}
                suppression={data.find((s) => s.channel === channel)}
                lifting={lift.isPending && lift.variables?.channel === channel}
                {...(canEditUsers ? { onLift: confirmLift } : {})}
                {...(canEditUsers && !adding ? { onSuppress: setAdding } : {})}
              />
            ))}
          </ul>
          {adding && (
            <SuppressAddressForm
              key={adding}
              userId={userId}
              channel={adding}
              onDone={() => setAdding(null)}
            />
          )}
          {data.length > 0 && (
            <p className="muted small">
              A suppressed address gets nothing on its channel, critical messages included, until the
              suppression is lifted or the user's address changes.
            </p>
          )}
        </div>
      )}
    </QueryView>
  );
}

/**
 * Whether the user's e-mail address and phone number are on the suppression
 * list (a hard bounce, a STOP, a spam complaint, an operator's), and why:
 * while one is, the user gets nothing on that channel, critical messages
 * included. Roles with `users:write` lift one (`DELETE
 * /v1/users/{userId}/suppressions/{channel}`) after a confirmation (a
 * complaint's asks more and sends `force=true`), and suppress one by hand
 * with an optional note (`SuppressAddressForm`).
 */
export function SuppressionsCard({ userId, user }: { userId: string; user: UseQueryResult<UserRecord> }) {
  return (
    <Card title="Suppressions">
      <QueryView query={user} rows={2}>
        {(u) => <SuppressionList userId={userId} user={u} />}
      </QueryView>
    </Card>
  );
}
