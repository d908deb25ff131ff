import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { Link } from "../router.tsx";
import { AuditTable } from "./audit-table.tsx";
import { Card } from "./page-header.tsx";
import { Empty, QueryView } from "./states.tsx";

/** The last few audit entries about a user, on their page; admins only, as the audit log itself. */
export function UserAuditCard({ userId }: { userId: string }) {
  const { isAdmin } = useAuth();
  const recent = useQuery({
    queryKey: ["audit-log", { targetId: userId, recent: true }],
    queryFn: () => unwrap(api.GET("/v1/audit-log", { params: { query: { targetId: userId, limit: 5 } } })),
    enabled: isAdmin,
  });
  if (!isAdmin) return null;
  return (
    <Card
      title="Operator actions"
      className="flush audit-card"
      actions={
        <Link href={`/audit-log?targetId=${encodeURIComponent(userId)}`} className="small">
          All →
        </Link>
      }
    >
      <QueryView
        query={recent}
        isEmpty={(d) => d.data.length === 0}
        empty={<Empty title="No operator has acted on this user" />}
      >
        {(d) => <AuditTable rows={d.data} />}
      </QueryView>
    </Card>
  );
}
