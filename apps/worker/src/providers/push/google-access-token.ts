import { createPrivateKey, type KeyObject } from "node:crypto";
import type { Agent } from "node:https";
import { DeliveryError } from "@herald/errors";
import { sendHttp } from "../http-request.ts";
import { signJwt } from "./jwt-sign.ts";

export interface ServiceAccount {
  project_id?: string;
  private_key: string;
  private_key_id?: string;
  client_email: string;
  token_uri?: string;
}

const SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
const DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

/**
 * OAuth 2 access tokens for a Google service account (JWT-bearer grant,
 * RFC 7523), cached until a minute before they expire; concurrent callers
 * share one in-flight request.
 */
export class GoogleAccessToken {
  private readonly key: KeyObject;
  private cached: { token: string; until: number } | undefined;
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly account: ServiceAccount,
    private readonly options: { timeoutMs: number; agent?: Agent | undefined },
  ) {
    this.key = createPrivateKey(account.private_key);
  }

  async get(): Promise<string> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.token;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Forget the cached token (the API said it is no longer valid). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const tokenUri = this.account.token_uri ?? DEFAULT_TOKEN_URI;
    const now = Math.floor(Date.now() / 1000);
    const assertion = signJwt(
      { alg: "RS256", ...(this.account.private_key_id ? { kid: this.account.private_key_id } : {}) },
      { iss: this.account.client_email, scope: SCOPE, aud: tokenUri, iat: now, exp: now + 3600 },
      this.key,
    );
    const res = await sendHttp(tokenUri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        assertion,
      }).toString(),
      timeoutMs: this.options.timeoutMs,
      agent: this.options.agent,
    });
    if (res.status !== 200) {
      // Rejected credentials are an operator's problem: transient, so jobs wait and dead-letter loudly.
      throw new DeliveryError(
        "transient",
        `fcm: token endpoint answered ${res.status}: ${res.body.slice(0, 200)}`,
        {
          provider: "fcm",
          code: "auth",
        },
      );
    }
    const body = JSON.parse(res.body) as { access_token: string; expires_in?: number };
    this.cached = { token: body.access_token, until: Date.now() + ((body.expires_in ?? 3600) - 60) * 1000 };
    return body.access_token;
  }
}
