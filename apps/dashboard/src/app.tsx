import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ApiError } from "./api/client.ts";
import { RequireSession } from "./auth.tsx";
import { PageErrorBoundary } from "./components/page-error-boundary.tsx";
import { Shell } from "./components/shell.tsx";
import { Empty } from "./components/states.tsx";
import { ToastProvider } from "./components/toast.tsx";
import { AccountsPage } from "./pages/accounts-page.tsx";
import { ApiKeysPage } from "./pages/api-keys-page.tsx";
import { AuditLogPage } from "./pages/audit-log-page.tsx";
import { FailuresPage } from "./pages/failures-page.tsx";
import { LoginPage } from "./pages/login-page.tsx";
import { NotificationDetailPage } from "./pages/notification-detail-page.tsx";
import { NotificationsPage } from "./pages/notifications-page.tsx";
import { OutboxPage } from "./pages/outbox-page.tsx";
import { OverviewPage } from "./pages/overview-page.tsx";
import { TemplatesPage } from "./pages/templates-page.tsx";
import { TopicDetailPage } from "./pages/topic-detail-page.tsx";
import { TopicsPage } from "./pages/topics-page.tsx";
import { UserDetailPage } from "./pages/user-detail-page.tsx";
import { UsersPage } from "./pages/users-page.tsx";
import { WebhooksPage } from "./pages/webhooks-page.tsx";
import { Link, match, navigate, useLocation } from "./router.tsx";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // 4xx answers will not change on retry; network blips and 5xx may.
      retry: (count, error) =>
        count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: true,
    },
  },
});

function Page() {
  const { path } = useLocation();
  if (path === "/") return <OverviewPage />;
  if (path === "/failures") return <FailuresPage />;
  if (path === "/notifications") return <NotificationsPage />;
  if (path === "/users") return <UsersPage />;
  if (path === "/topics") return <TopicsPage />;
  if (path === "/templates") return <TemplatesPage />;
  if (path === "/outbox") return <OutboxPage />;
  if (path === "/accounts") return <AccountsPage />;
  if (path === "/audit-log") return <AuditLogPage />;
  if (path === "/webhooks") return <WebhooksPage />;
  if (path === "/api-keys") return <ApiKeysPage />;
  if (path === "/login") {
    navigate("/", { replace: true });
    return null;
  }
  const n = match("/notifications/:id", path);
  if (n) return <NotificationDetailPage key={n.id} id={n.id!} />;
  const u = match("/users/:userId", path);
  if (u) return <UserDetailPage key={u.userId} userId={u.userId!} />;
  const t = match("/topics/:key", path);
  if (t) return <TopicDetailPage key={t.key} topicKey={t.key!} />;
  return (
    <Empty title="Page not found">
      <Link href="/">Back to the overview</Link>
    </Empty>
  );
}

function Frame() {
  const { path, search } = useLocation();
  return (
    <PageErrorBoundary key={`${path}?${search}`}>
      <Page />
    </PageErrorBoundary>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RequireSession fallback={<LoginPage />}>
          <Shell>
            <Frame />
          </Shell>
        </RequireSession>
      </ToastProvider>
    </QueryClientProvider>
  );
}
