import { type UseQueryResult, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, type UserRecord, unwrap } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { when } from "../format.ts";
import { Card } from "./page-header.tsx";
import { QueryView } from "./states.tsx";
import { useToast } from "./toast.tsx";

type Device = UserRecord["devices"][number];

/**
 * The user's push devices, each with a "Remove" for roles with
 * `users:write` (`DELETE /v1/users/{userId}/devices/{deviceId}`), after a
 * confirmation: the user stops getting push there until their app
 * registers the device again.
 */
export function DevicesCard({ userId, user }: { userId: string; user: UseQueryResult<UserRecord> }) {
  const { canEditUsers } = useAuth();
  const client = useQueryClient();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: (d: Device) =>
      unwrap(
        api.DELETE("/v1/users/{userId}/devices/{deviceId}", { params: { path: { userId, deviceId: d.id } } }),
      ),
    onSuccess: () => toast("ok", "Device removed"),
    onError: (e) => toast("bad", e.message),
    // Also after a failure: a 404 means it was removed elsewhere meanwhile.
    onSettled: () => client.invalidateQueries({ queryKey: ["user", userId] }),
  });
  const confirmRemove = (d: Device) => {
    const ask = `Remove ${userId}'s ${d.kind} device ${d.id}? They stop getting push notifications on it until their app registers it again.`;
    if (window.confirm(ask)) remove.mutate(d);
  };
  return (
    <Card title="Devices">
      <QueryView
        query={user}
        rows={2}
        isEmpty={(u) => u.devices.length === 0}
        empty={<p className="muted">No push devices registered.</p>}
      >
        {(u) => (
          <ul className="devices">
            {u.devices.map((d) => (
              <li key={d.id} data-device-id={d.id}>
                <div className="item-main">
                  <span className="device-kind">{d.kind}</span>
                  <span className="mono small">{d.id}</span>
                  <span className="muted small">{when(d.createdAt)}</span>
                </div>
                {canEditUsers && (
                  <button
                    type="button"
                    className="btn btn-sm"
                    aria-label={`Remove device ${d.id}`}
                    disabled={remove.isPending && remove.variables?.id === d.id}
                    onClick={() => confirmRemove(d)}
                  >
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </Card>
  );
}
