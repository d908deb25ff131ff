import type { Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import type { LookupFunction } from "node:net";
import { PublicOnlyAgent, PublicOnlyHttpAgent } from "@herald/public-address";

/** The agents of one attempt's connection, per protocol. */
export interface RequestAgents {
  /** Undefined: Node's global agents (any address). */
  agents: { http: HttpAgent; https: HttpsAgent } | undefined;
  /** Called once the attempt is over: closes agents made for it alone. */
  release(): void;
}

let shared: { http: HttpAgent; https: HttpsAgent } | undefined;

/**
 * Where an attempt connects through. `publicOnly`: public-only agents
 * (`@herald/public-address`), shared by every attempt and keeping their
 * connections alive, or, with a test's own `resolve`, agents of this
 * attempt alone. Otherwise Node's global agents.
 */
export function requestAgents(options: { publicOnly?: boolean; resolve?: LookupFunction }): RequestAgents {
  if (!options.publicOnly) return { agents: undefined, release: () => {} };
  if (!options.resolve) {
    shared ??= { http: new PublicOnlyHttpAgent(), https: new PublicOnlyAgent() };
    return { agents: shared, release: () => {} };
  }
  const own = {
    http: new PublicOnlyHttpAgent({ resolve: options.resolve }),
    https: new PublicOnlyAgent({ resolve: options.resolve }),
  };
  return {
    agents: own,
    release: () => {
      own.http.destroy();
      own.https.destroy();
    },
  };
}
