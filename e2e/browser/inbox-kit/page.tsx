import { createInbox } from "@herald/inbox";
import { Inbox, NotificationPreferences } from "@herald/inbox-react";
import { createRoot } from "react-dom/client";

/**
 * An app page embedding the inbox, as an app would: the user's token comes
 * from the app's own backend (`/token` on this page's origin), unless the
 * test gives a fixed one in `?token=`.
 */
const q = new URLSearchParams(location.search);
const userId = q.get("user")!;
const fixed = q.get("token");
const counters = { tokenRequests: 0, seenSettled: 0 };
const locale = q.get("locale") ?? undefined;

const store = createInbox({
  baseUrl: q.get("api")!,
  userId,
  pageSize: Number(q.get("pageSize") ?? 20),
  ...(fixed
    ? { token: fixed }
    : {
        async getToken() {
          counters.tokenRequests++;
          const res = await fetch(`/token?user=${encodeURIComponent(userId)}`);
          if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
          return ((await res.json()) as { token: string }).token;
        },
      }),
});

// The component's `seen` calls, counted once the store has applied their outcome (the test waits on it).
const observed = {
  ...store,
  markSeen: (ids: string | readonly string[]) =>
    store.markSeen(ids).finally(() => {
      counters.seenSettled++;
    }),
};

Object.assign(globalThis, { inbox: store, counters });
createRoot(document.getElementById("root")!).render(
  <>
    <Inbox store={observed} locale={locale} />
    {q.has("prefs") && <NotificationPreferences store={store} locale={locale} />}
  </>,
);
