/*
 * Herald web push service worker — copy this file to your site's origin
 * (service workers must be served from the page's own origin), e.g. /herald-sw.js:
 *
 *   const reg = await navigator.serviceWorker.register("/herald-sw.js");
 *   const { publicKey } = await (await fetch(`${HERALD_URL}/v1/push/vapid-public-key`)).json();
 *   const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: publicKey });
 *   // then, from your backend: POST /v1/users/:userId/devices {kind: "webpush", subscription: sub.toJSON()}
 *
 * It shows each push Herald sends and, on click, opens the notification's URL
 * and reports the click to Herald (the payload says where: `clickUrl`).
 */
/* eslint-env serviceworker */

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function parse(event) {
  if (!event.data) return {};
  try {
    return event.data.json();
  } catch {
    return { title: event.data.text() };
  }
}

self.addEventListener("push", (event) => {
  const p = parse(event);
  const options = {
    body: p.body || "",
    tag: p.notificationId || undefined,
    data: { url: p.url, notificationId: p.notificationId, clickUrl: p.clickUrl, type: p.type },
  };
  if (p.icon) options.icon = p.icon;
  event.waitUntil(self.registration.showNotification(p.title || "Notification", options));
});

async function openOrFocus(url) {
  const target = new URL(url, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const w of windows) {
    if (w.url === target && "focus" in w) return w.focus();
  }
  return self.clients.openWindow ? self.clients.openWindow(target) : undefined;
}

function reportClick(data, action) {
  if (!data.clickUrl || !data.notificationId) return Promise.resolve();
  return fetch(data.clickUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ notificationId: data.notificationId, ...(action ? { action } : {}) }),
    keepalive: true,
  }).catch(() => undefined);
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  event.waitUntil(
    Promise.all([reportClick(data, event.action), data.url ? openOrFocus(data.url) : undefined]),
  );
});
