/**
 * Is a destination on the public Internet? For outbound requests whose
 * target a user chose (web push endpoints, webhook endpoints), so they
 * cannot be aimed at loopback, the LAN or cloud metadata services (SSRF).
 */
export { addressRange, ipv6Groups, isPublicAddress } from "./address-range.ts";
export { nonPublicHost } from "./host-check.ts";
export {
  isNonPublicAddressError,
  NON_PUBLIC_ADDRESS,
  NonPublicAddressError,
  publicOnlyLookup,
} from "./public-lookup.ts";
export { PublicOnlyAgent, type PublicOnlyAgentOptions, PublicOnlyHttpAgent } from "./public-only-agent.ts";
