import { DeliveryError } from "@herald/errors";
import type { PushMessage } from "./push-message.ts";

/**
 * `text` cut by at least `excess` bytes on a character, ending in "…", but
 * keeping `keep` characters; "" when nothing is kept.
 */
function cut(text: string, excess: number, keep: number): string {
  const chars = Array.from(text.endsWith("…") ? text.slice(0, -1) : text);
  let bytes = Buffer.byteLength(chars.join(""));
  // 3: the UTF-8 bytes of the "…" put back.
  const target = bytes - excess - 3;
  while (chars.length > keep && bytes > target) bytes -= Buffer.byteLength(chars.pop()!);
  return chars.length > 0 ? `${chars.join("")}…` : "";
}

/**
 * `message` trimmed until `encode` makes at most `maxBytes` of it (push
 * services refuse bigger payloads: ~4 KB). What goes first is what a reader
 * misses least: the extra data and the icon, then the body and the title down
 * to their first 100 and 40 characters, then the link (and the text is cut
 * again from the whole of it), and only then the rest of the text. Each step shortens or removes something or moves on, so this
 * ends; what still does not fit (the fixed fields alone) fails permanently,
 * as no retry can shrink it.
 */
export function fitPushMessage(
  message: PushMessage,
  encode: (message: PushMessage) => string,
  maxBytes: number,
  provider: string,
): PushMessage {
  let fitted = message;
  const excess = () => Buffer.byteLength(encode(fitted)) - maxBytes;
  const drop = (field: "data" | "icon" | "url") => () => {
    if (fitted[field] === undefined) return false;
    const { [field]: _dropped, ...rest } = fitted;
    fitted = rest;
    return true;
  };
  const shorten = (field: "body" | "title", keep: number) => () => {
    const shorter = cut(fitted[field], excess(), keep);
    if (shorter.length >= fitted[field].length) return false;
    fitted = { ...fitted, [field]: shorter };
    return true;
  };
  // Without the link there is room again: the text starts over from the whole of it.
  const dropLink = () => {
    if (!drop("url")()) return false;
    fitted = { ...fitted, body: message.body, title: message.title };
    return true;
  };
  const steps = [
    drop("data"),
    drop("icon"),
    shorten("body", 100),
    shorten("title", 40),
    dropLink,
    shorten("body", 100),
    shorten("title", 40),
    shorten("body", 0),
    shorten("title", 0),
  ];
  for (const step of steps) {
    // A cut is measured on the raw text and the payload may escape it: a step that changed
    // something may be worth repeating; one with nothing left to change moves on.
    while (excess() > 0) if (!step()) break;
    if (excess() <= 0) return fitted;
  }
  throw new DeliveryError(
    "permanent",
    `${provider}: the push payload is ${Buffer.byteLength(encode(fitted))} bytes without text, over the ${maxBytes} a push service takes`,
    { provider, code: "payload_too_large" },
  );
}
