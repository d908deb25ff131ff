import { describe, expect, it } from "vitest";
import { maskedApiKey, startBanner } from "./start-banner.ts";

const base = "http://localhost:3000";
const operatorKey = "hk_live_Op3r4torS3cretKeyValue0123456789abcdefWXYZ";
const devKey = "hk_test_D3vKeyGeneratedByNpmStart0123456789abcdEFGH";

describe("npm start's banner", () => {
  it("never prints an operator's HERALD_API_KEY, only its kind and last four; the curl line names the variable", () => {
    const lines = startBanner({ base, apiKey: operatorKey, keyFromEnv: true });
    const text = lines.join("\n");
    expect(text).not.toContain(operatorKey);
    expect(text).not.toContain(operatorKey.slice(8, 20));
    expect(lines).toContain("API key     hk_live_…WXYZ   (HERALD_API_KEY)");
    expect(text).toContain('-H "Authorization: Bearer $HERALD_API_KEY"');
  });

  it("prints the dev key npm start generated in full, ready to paste", () => {
    const lines = startBanner({
      base,
      apiKey: devKey,
      keyFromEnv: false,
      workerHealth: { bulk: 3101, critical: 3102 },
      devAdmin: { email: "admin@herald.local", password: "pw-123" },
    });
    expect(lines).toContain(`API key     ${devKey}`);
    expect(lines.join("\n")).toContain(`-H "Authorization: Bearer ${devKey}"`);
    expect(lines).toContain("Workers     http://localhost:3101/readyz (bulk), :3102 (critical lanes)");
    expect(lines).toContain(
      "Sign in     admin@herald.local / pw-123   (more users: npm run admin -- create …)",
    );
  });

  it("masks a key of any format to its last four", () => {
    expect(maskedApiKey("my-own-long-secret-value-1234")).toBe("…1234");
    expect(maskedApiKey(devKey)).toBe("hk_test_…EFGH");
  });
});
