import { useState } from "react";
import { api, unwrap } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { AdminsOnly } from "../components/admins-only.tsx";
import { keyState } from "../components/api-key-text.ts";
import { Card, PageHeader } from "../components/page-header.tsx";
import { PagedView } from "../components/paged-view.tsx";
import { Empty } from "../components/states.tsx";
import { Badge } from "../components/status-badge.tsx";
import { ago, when } from "../format.ts";
import { usePagedList } from "../paged-list.ts";

const TITLE = "API keys";
const PAGE = 50;

/**
 * Herald's API keys (`GET /v1/api-keys`), newest first, for admins: what is
 * safe to show of each (prefix and last four), its scopes and state, "Load
 * more" past the first page. Read-only: keys are made, rotated and revoked
 * through the API or `npm run keys`, where the secret can be handed over.
 */
export function ApiKeysPage() {
  const { isAdmin } = useAuth();
  if (!isAdmin) return <AdminsOnly title={TITLE}>API keys are managed by admins.</AdminsOnly>;
  return <AdminApiKeys />;
}

function AdminApiKeys() {
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const keys = usePagedList({
    queryKey: ["api-keys", includeRevoked],
    page: (cursor) =>
      unwrap(
        api.GET("/v1/api-keys", {
          params: {
            query: {
              limit: PAGE,
              ...(includeRevoked ? { includeRevoked: "true" as const } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
  });
  return (
    <>
      <PageHeader
        title={TITLE}
        subtitle="Keys your apps call Herald with, newest first. Make, rotate and revoke them through the API or npm run keys."
      />
      <label className="check">
        <input
          type="checkbox"
          checked={includeRevoked}
          onChange={(e) => setIncludeRevoked(e.target.checked)}
        />
        <span>Include revoked and expired keys</span>
      </label>
      <Card className="flush">
        <PagedView list={keys} empty={<Empty title="No keys">No API key matches.</Empty>}>
          {(rows) => (
            <div className="table-wrap">
              <table className="table stack api-keys">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Key</th>
                    <th>Scopes</th>
                    <th>State</th>
                    <th>Last used</th>
                    <th>Created</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((k) => {
                    const state = keyState(k);
                    return (
                      <tr key={k.id} data-key-id={k.id}>
                        <td data-label="Name">
                          {k.name}
                          <div className="muted small mono">{k.id}</div>
                        </td>
                        <td data-label="Key" className="mono">
                          {k.display}
                        </td>
                        <td data-label="Scopes" className="mono">
                          {k.scopes.join(", ")}
                        </td>
                        <td data-label="State">
                          <Badge tone={state.tone}>{state.label}</Badge>
                        </td>
                        <td data-label="Last used" title={when(k.lastUsedAt)}>
                          {k.lastUsedAt ? ago(k.lastUsedAt) : "never"}
                        </td>
                        <td data-label="Created" className="nowrap" title={when(k.createdAt)}>
                          {ago(k.createdAt)}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </PagedView>
      </Card>
    </>
  );
}
