import { Herald as HeraldClient, HeraldNetworkError } from "@herald/client";
import { expect } from "vitest";

/**
 * A client whose every request fails as a network error, and `tries`: how
 * many requests one call made before giving up (1 + `maxRetries` = 3 for a
 * call the client repeats, 1 for one it must not).
 */
export function offlineClient(apiKey: string, baseUrl: string) {
  let attempts = 0;
  const client = new HeraldClient({
    apiKey,
    baseUrl,
    maxRetries: 2,
    retryDelayMs: 1,
    fetch: async () => {
      attempts++;
      throw new TypeError("fetch failed");
    },
  });
  const tries = async (call: (c: HeraldClient) => Promise<unknown>): Promise<number> => {
    attempts = 0;
    await expect(call(client)).rejects.toBeInstanceOf(HeraldNetworkError);
    return attempts;
  };
  return { client, tries };
}
