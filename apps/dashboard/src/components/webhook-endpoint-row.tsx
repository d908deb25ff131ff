import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, type Schemas, unwrap } from "../api/client.ts";
import { ago, num, when } from "../format.ts";
import type { FormErrors } from "./form-errors.ts";
import { Badge } from "./status-badge.tsx";
import { useToast } from "./toast.tsx";
import { type EndpointDraft, endpointFormErrors, WebhookEndpointForm } from "./webhook-endpoint-form.tsx";

export type WebhookEndpoint = Schemas["WebhookEndpoint"];
export const WEBHOOKS_QUERY = ["webhook-endpoints"] as const;

/** Healthy, failing (with why), disabled, or the env's read-only one. */
function State({ e }: { e: WebhookEndpoint }) {
  const d = e.delivery;
  if (!e.enabled) return <Badge tone="muted">disabled</Badge>;
  if (d.failingSince)
    return (
      <span className="nowrap" title={`Next attempt ${when(d.nextAttemptAt)}`}>
        <Badge tone="bad">failing</Badge>{" "}
        <span className="small">
          since {ago(d.failingSince)}: <span className="mono">{d.lastError}</span> ({num(d.failedAttempts)}{" "}
          attempts)
        </span>
      </span>
    );
  return <Badge tone="ok">healthy</Badge>;
}

/**
 * One endpoint of the Webhooks page: URL, statuses, state and backlog, with
 * Edit, Send test, Rotate secret and Delete (each asking first where it
 * cannot be undone). STATUS_WEBHOOK_URL's (`whe_env`) is shown read-only.
 * `onSecret` shows a rotated secret once, above the table.
 */
export function WebhookEndpointRow({
  endpoint: e,
  onSecret,
}: {
  endpoint: WebhookEndpoint;
  onSecret: (id: string, secret: string) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [errors, setErrors] = useState<FormErrors>({});
  const client = useQueryClient();
  const toast = useToast();
  const path = { params: { path: { endpointId: e.id } } };
  const settled = () => client.invalidateQueries({ queryKey: WEBHOOKS_QUERY });
  const save = useMutation({
    mutationFn: (body: EndpointDraft) =>
      unwrap(api.PATCH("/v1/webhook-endpoints/{endpointId}", { ...path, body })),
    onSuccess: () => {
      toast("ok", "Endpoint saved");
      setEditing(false);
    },
    onError: (err) => setErrors(endpointFormErrors(err, "save")),
    onSettled: settled,
  });
  const test = useMutation({
    mutationFn: () => unwrap(api.POST("/v1/webhook-endpoints/{endpointId}/test", path)),
    onSuccess: (r) =>
      r.ok
        ? toast("ok", `Test ping answered ${r.status} in ${Math.round(r.durationMs)} ms`)
        : toast("bad", `Test ping failed: ${r.error}`),
    onError: (err) => toast("bad", err.message),
  });
  const rotate = useMutation({
    mutationFn: () => unwrap(api.POST("/v1/webhook-endpoints/{endpointId}/rotate-secret", path)),
    onSuccess: (r) => onSecret(r.id, r.secret),
    onError: (err) => toast("bad", err.message),
    onSettled: settled,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/v1/webhook-endpoints/{endpointId}", path)),
    onSuccess: (r) => toast("ok", `Deleted; ${num(r.delivery.waiting)} waiting changes dropped`),
    onError: (err) => toast("bad", err.message),
    onSettled: settled,
  });
  const env = e.source === "env";
  const d = e.delivery;
  return (
    <>
      <tr data-endpoint={e.id}>
        <td data-label="Endpoint">
          <div className="mono">{e.url}</div>
          <div className="muted small">
            {e.description || "—"} · <span className="mono">{e.id}</span>
          </div>
        </td>
        <td data-label="Statuses" className="small">
          {e.statuses.join(", ")}
        </td>
        <td data-label="State" data-state={!e.enabled ? "disabled" : d.failingSince ? "failing" : "healthy"}>
          <State e={e} />
          {d.lastSuccessAt && <div className="muted small">last delivered {ago(d.lastSuccessAt)}</div>}
          {d.rejectedChanges > 0 && (
            <div className="small text-bad" data-rejected>
              {num(d.rejectedChanges)} change{d.rejectedChanges === 1 ? "" : "s"} rejected and dropped; last{" "}
              {ago(d.lastRejectedAt)}: <span className="mono">{d.lastRejection}</span>
            </div>
          )}
        </td>
        <td data-label="Waiting">
          {d.waitingEstimated ? "about " : ""}
          {num(d.waiting)}
          {d.oldestAt && <div className="muted small">oldest {ago(d.oldestAt)}</div>}
        </td>
        <td className="actions-col">
          {env ? (
            <span className="muted small">STATUS_WEBHOOK_URL: set in the workers' environment</span>
          ) : (
            <div className="row-actions">
              <button type="button" className="btn btn-sm" onClick={() => setEditing((x) => !x)}>
                Edit
              </button>
              <button
                type="button"
                className="btn btn-sm"
                disabled={test.isPending}
                onClick={() => test.mutate()}
              >
                {test.isPending ? "Sending…" : "Send test"}
              </button>
              <button
                type="button"
                className="btn btn-sm"
                disabled={rotate.isPending}
                onClick={() =>
                  window.confirm(
                    "Rotate the secret? The old one keeps signing alongside the new one for 24 hours.",
                  ) && rotate.mutate()
                }
              >
                Rotate secret
              </button>
              <button
                type="button"
                className="btn btn-sm btn-danger"
                disabled={remove.isPending}
                onClick={() =>
                  window.confirm(`Delete this endpoint and the ${num(d.waiting)} changes waiting for it?`) &&
                  remove.mutate()
                }
              >
                Delete
              </button>
            </div>
          )}
        </td>
      </tr>
      {editing && (
        <tr className="account-subrow">
          <td colSpan={5}>
            <WebhookEndpointForm
              initial={{ url: e.url, description: e.description, statuses: e.statuses, enabled: e.enabled }}
              label="Save"
              busyLabel="Saving…"
              busy={save.isPending}
              errors={errors}
              onSubmit={(draft) => {
                setErrors({});
                save.mutate(draft);
              }}
              onCancel={() => setEditing(false)}
            />
          </td>
        </tr>
      )}
    </>
  );
}
