import { num } from "../format.ts";

/** "1 subscriber", "1,840 subscribers". */
export const subscribersText = (n: number) => `${num(n)} ${n === 1 ? "subscriber" : "subscribers"}`;

/**
 * The confirmation before deleting a topic. It says what goes (the topic and
 * every membership, not the users), what becomes of events on their way to
 * it (no one they have not reached yet gets them), and that only the app
 * builds the list again.
 */
export function deleteTopicQuestion(key: string, subscriberCount: number): string {
  const members =
    subscriberCount === 0
      ? "It has no subscribers."
      : `Its ${subscribersText(subscriberCount)} are taken off it; the users themselves stay.`;
  return (
    `Delete the topic ${key}? ${members} Events your app sends to ${key} are then refused, and an ` +
    "event to it still on its way reaches no one it has not reached yet. Only your app can subscribe " +
    "users to it again."
  );
}
