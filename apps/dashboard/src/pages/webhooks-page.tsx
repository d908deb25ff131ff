import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { AdminsOnly } from "../components/admins-only.tsx";
import type { FormErrors } from "../components/form-errors.ts";
import { Card, PageHeader } from "../components/page-header.tsx";
import { Empty, QueryView } from "../components/states.tsx";
import { useToast } from "../components/toast.tsx";
import {
  DEFAULT_STATUSES,
  type EndpointDraft,
  endpointFormErrors,
  WebhookEndpointForm,
} from "../components/webhook-endpoint-form.tsx";
import { WEBHOOKS_QUERY, WebhookEndpointRow } from "../components/webhook-endpoint-row.tsx";

const TITLE = "Webhooks";

/**
 * Status webhook endpoints (`/v1/webhook-endpoints`), for admins: each one's
 * state and backlog, "Add endpoint" (its secret shown once), and per
 * endpoint Edit, Send test, Rotate secret and Delete. Support staff get a
 * page saying it is for admins (the API would answer 403).
 */
export function WebhooksPage() {
  const { isAdmin } = useAuth();
  if (!isAdmin) return <AdminsOnly title={TITLE}>Status webhook endpoints are managed by admins.</AdminsOnly>;
  return <AdminWebhooks />;
}

function AdminWebhooks() {
  const [adding, setAdding] = useState(false);
  const [errors, setErrors] = useState<FormErrors>({});
  const [secret, setSecret] = useState<{ id: string; secret: string } | null>(null);
  const client = useQueryClient();
  const toast = useToast();
  const endpoints = useQuery({
    queryKey: WEBHOOKS_QUERY,
    queryFn: () => unwrap(api.GET("/v1/webhook-endpoints")),
    refetchInterval: 5000,
  });
  const add = useMutation({
    mutationFn: (body: EndpointDraft) => unwrap(api.POST("/v1/webhook-endpoints", { body })),
    onSuccess: (created) => {
      setAdding(false);
      setSecret({ id: created.id, secret: created.secret });
      toast("ok", "Endpoint added");
    },
    onError: (e) => setErrors(endpointFormErrors(e, "add it")),
    onSettled: () => client.invalidateQueries({ queryKey: WEBHOOKS_QUERY }),
  });
  return (
    <>
      <PageHeader
        title={TITLE}
        subtitle="Where Herald POSTs notification status changes. Each endpoint has its own secret, statuses, batches and retries: one that fails holds back no other."
        actions={
          adding ? undefined : (
            <button type="button" className="btn btn-primary" onClick={() => setAdding(true)}>
              Add endpoint
            </button>
          )
        }
      />
      {secret && (
        <div className="callout callout-warn" role="status" data-secret-for={secret.id}>
          <strong>Signing secret of {secret.id}: copy it now, it is not shown again</strong>
          <span className="mono" data-secret>
            {secret.secret}
          </span>
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      )}
      {adding && (
        <Card title="Add endpoint">
          <WebhookEndpointForm
            initial={{ url: "", description: "", statuses: DEFAULT_STATUSES, enabled: true }}
            label="Add endpoint"
            busyLabel="Adding…"
            busy={add.isPending}
            errors={errors}
            onSubmit={(draft) => {
              setErrors({});
              add.mutate(draft);
            }}
            onCancel={() => setAdding(false)}
          />
        </Card>
      )}
      <Card className="flush">
        <QueryView
          query={endpoints}
          isEmpty={(e) => e.data.length === 0}
          empty={<Empty title="No endpoints">Add one with “Add endpoint”, or set STATUS_WEBHOOK_URL.</Empty>}
        >
          {({ data }) => (
            <div className="table-wrap">
              <table className="table stack webhooks-table">
                <thead>
                  <tr>
                    <th>Endpoint</th>
                    <th>Statuses</th>
                    <th>State</th>
                    <th>Waiting</th>
                    <th className="actions-col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((e) => (
                    <WebhookEndpointRow
                      key={e.id}
                      endpoint={e}
                      onSecret={(id, s) => setSecret({ id, secret: s })}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryView>
      </Card>
    </>
  );
}
