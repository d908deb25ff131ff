import { escapeHtml, simplePage } from "./simple-page.ts";

/**
 * What a support agent's browser gets at Bull Board (status 403): a page that
 * says why and leads back to the dashboard, where a JSON error body would
 * have been shown raw.
 */
export function adminsOnlyPage(brand: string, signedInAs: string): string {
  return simplePage(
    "Admins only",
    `<h1>Bull Board is for admins</h1>
<p>You are signed in as <strong>${escapeHtml(signedInAs)}</strong>, a support account. Support accounts can read everything in the dashboard and edit users, but cannot act on ${escapeHtml(brand)}'s queues (retry, remove, pause). Ask an admin if a job needs it.</p>
<a class="button primary" href="/">Back to the dashboard</a>`,
  );
}
