/**
 * Why a notification waits for one provider (`pinnedProvider`), as support
 * reads it on its page, or null when it is not pinned. An e-mail is the only
 * message pinned today; the words fit any channel.
 */
export function pinnedText(n: { channel: string; pinnedProvider?: string | undefined }): string | null {
  const p = n.pinnedProvider;
  if (!p) return null;
  const what = n.channel === "email" ? "the e-mail" : "the message";
  return `Pinned to ${p}: an earlier attempt may have left ${what} there; it is sent only through ${p}, with the same key, so it cannot arrive twice through another provider.`;
}
