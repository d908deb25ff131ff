import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { useToast } from "./toast.tsx";

/**
 * "Route again" for an event whose routing failed for good, once its cause is
 * fixed (a type or template deployed late). Admins only, as the other queue
 * actions; the event's outcome then follows it until it settles.
 */
export function RouteAgainButton({ eventId }: { eventId: string }) {
  const { isAdmin } = useAuth();
  const client = useQueryClient();
  const toast = useToast();
  const retry = useMutation({
    mutationFn: () => unwrap(api.POST("/v1/events/{eventId}/retry", { params: { path: { eventId } } })),
    onSuccess: (e) => {
      client.setQueryData(["event", eventId], e);
      client.invalidateQueries({ queryKey: ["event", eventId] });
      client.invalidateQueries({ queryKey: ["notifications"] });
      toast("ok", "Routing the event again");
    },
    onError: (e) => toast("bad", e.message),
  });
  if (!isAdmin) return null;
  return (
    <button type="button" className="btn btn-sm" onClick={() => retry.mutate()} disabled={retry.isPending}>
      {retry.isPending ? "Routing…" : "Route again"}
    </button>
  );
}
