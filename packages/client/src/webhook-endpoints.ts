import { type Http, seg } from "./http.ts";
import type { Page } from "./types.ts";
import type {
  NewWebhookEndpoint,
  WebhookEndpoint,
  WebhookEndpointPatch,
  WebhookEndpointWithSecret,
  WebhookTestResult,
} from "./webhook-endpoint-types.ts";

/**
 * `herald.webhookEndpoints`: status webhook endpoints, each with its own
 * secret and statuses, for an `admin` key (other keys get 403).
 */
export function webhookEndpointsApi(http: Http) {
  const one = (id: string) => `/v1/webhook-endpoints/${seg(id)}`;
  return {
    /** Every endpoint in one page (`nextCursor` is null), STATUS_WEBHOOK_URL's (`whe_env`) first when set. */
    list: async (): Promise<Page<WebhookEndpoint>> =>
      (await http.request<Page<WebhookEndpoint>>("GET", "/v1/webhook-endpoints", { retryable: true })).body,
    /** One endpoint with its backlog and health. `not_found` (404) when unknown. */
    get: async (id: string): Promise<WebhookEndpoint> =>
      (await http.request<WebhookEndpoint>("GET", one(id), { retryable: true })).body,
    /** Adds an endpoint; the answer's `secret` is shown this once. */
    create: async (endpoint: NewWebhookEndpoint): Promise<WebhookEndpointWithSecret> =>
      (
        await http.request<WebhookEndpointWithSecret>("POST", "/v1/webhook-endpoints", {
          body: endpoint,
          // Not repeated: after a lost answer a repeat would add a second endpoint (list, delete the extra).
          retryable: false,
        })
      ).body,
    /** Changes what is given. `conflict` (409) for `whe_env`. */
    update: async (id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpoint> =>
      (await http.request<WebhookEndpoint>("PATCH", one(id), { body: patch, retryable: true })).body,
    /** Deletes an endpoint and the changes waiting for it. */
    delete: async (id: string): Promise<WebhookEndpoint> =>
      (await http.request<WebhookEndpoint>("DELETE", one(id), { retryable: false })).body,
    /** A new secret; the previous one still signs (a second signature) for 24 h. */
    rotateSecret: async (id: string): Promise<WebhookEndpointWithSecret> =>
      (
        await http.request<WebhookEndpointWithSecret>("POST", `${one(id)}/rotate-secret`, {
          // Not repeated: a repeat would rotate again and end the first new secret's use.
          retryable: false,
        })
      ).body,
    /** Sends one signed `herald.ping` and answers what the receiver said. */
    test: async (id: string): Promise<WebhookTestResult> =>
      (await http.request<WebhookTestResult>("POST", `${one(id)}/test`, { retryable: false })).body,
  };
}
