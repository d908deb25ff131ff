import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadWorkerEnv } from "../src/env.ts";
import { configError, ENV_BASE } from "./env-error.ts";

const base = { ...ENV_BASE, OPS_ALERT_WEBHOOK_URL: "https://ops.example.com/herald" };

describe("worker OPS_ALERT_WEBHOOK_SECRET", () => {
  it("is off unless set: unset or empty (as docker compose passes an unset variable) signs nothing", () => {
    expect(loadWorkerEnv(base).reliability.opsAlertWebhookSecret).toBeNull();
    expect(
      loadWorkerEnv({ ...base, OPS_ALERT_WEBHOOK_SECRET: "" }).reliability.opsAlertWebhookSecret,
    ).toBeNull();
  });

  it("takes a Standard Webhooks secret, whsec_ + base64, as its key bytes", () => {
    const key = randomBytes(32);
    const env = loadWorkerEnv({ ...base, OPS_ALERT_WEBHOOK_SECRET: `whsec_${key.toString("base64")}` });
    expect(env.reliability.opsAlertWebhookSecret).toEqual([key]);
  });

  it("takes several, comma-separated, in order (a rotation: one signature each)", () => {
    const [next, old] = [randomBytes(32), randomBytes(24)];
    const env = loadWorkerEnv({
      ...base,
      OPS_ALERT_WEBHOOK_SECRET: `whsec_${next.toString("base64")}, whsec_${old.toString("base64")}`,
    });
    expect(env.reliability.opsAlertWebhookSecret).toEqual([next, old]);
  });

  it("refuses a list with one malformed secret, saying which, not repeating it", () => {
    const good = `whsec_${randomBytes(32).toString("base64")}`;
    const message = configError({ ...base, OPS_ALERT_WEBHOOK_SECRET: `${good},not-a-secret-at-all` });
    expect(message).toMatch(/- OPS_ALERT_WEBHOOK_SECRET: secret 2 of 2 must start with "whsec_"/);
    expect(message).not.toContain("not-a-secret-at-all");
    expect(message).not.toContain(good);
    expect(configError({ ...base, OPS_ALERT_WEBHOOK_SECRET: `${good},` })).toMatch(
      /- OPS_ALERT_WEBHOOK_SECRET: secret 2 of 2 must start with "whsec_"/,
    );
  });

  it("refuses a malformed secret at start-up, saying how to make one and not repeating it", () => {
    const raw = "my-very-secret-passphrase-for-alerts";
    const message = configError({ ...base, OPS_ALERT_WEBHOOK_SECRET: raw });
    expect(message).toMatch(
      /^Invalid configuration for herald worker:\n {2}- OPS_ALERT_WEBHOOK_SECRET: must start with "whsec_"/,
    );
    expect(message).toContain('echo "whsec_$(openssl rand -base64 32)"');
    expect(message).not.toContain(raw);

    const short = `whsec_${randomBytes(8).toString("base64")}`;
    expect(configError({ ...base, OPS_ALERT_WEBHOOK_SECRET: short })).toMatch(
      /- OPS_ALERT_WEBHOOK_SECRET: decodes to 8 bytes; Standard Webhooks wants 24 to 64/,
    );
    expect(configError({ ...base, OPS_ALERT_WEBHOOK_SECRET: "whsec_%%%%" })).toMatch(
      /- OPS_ALERT_WEBHOOK_SECRET: is not "whsec_" followed by standard, padded base64/,
    );
  });
});
