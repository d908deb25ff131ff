import type { Cluster, Redis } from "ioredis";
import { type InboxMessage, inboxChannel, parseInboxMessage } from "./inbox-events.ts";

export interface InboxListener {
  onMessage(message: InboxMessage): void;
  /** The subscription was re-established after a Redis outage: events may have been missed. */
  onResync(): void;
  /** The process is shutting down: end the stream (the client reconnects elsewhere with Last-Event-ID). */
  onShutdown?(): void;
}

/**
 * One Redis subscriber connection per process, shared by every open inbox
 * stream: the first listener of a recipient subscribes to their channel,
 * the last one to leave unsubscribes. On a Redis Cluster, ioredis holds the
 * subscription on one node and moves it by itself when that node fails,
 * without an event here: streams are not resynced then (a reconnecting
 * client still replays with Last-Event-ID).
 */
export class InboxHub {
  private readonly listeners = new Map<string, Set<InboxListener>>();
  /** Channels whose SUBSCRIBE is in flight or done; later listeners wait for it too. */
  private readonly subscribed = new Map<string, Promise<unknown>>();
  private lostConnection = false;

  constructor(
    private readonly subscriber: Redis | Cluster,
    private readonly prefix: string,
  ) {
    subscriber.on("message", (channel: string, text: string) => {
      const message = parseInboxMessage(text);
      if (!message) return;
      for (const l of this.listeners.get(channel) ?? []) l.onMessage(message);
    });
    subscriber.on("close", () => {
      this.lostConnection = true;
    });
    // ioredis re-subscribes by itself after reconnecting; listeners replay what they missed.
    subscriber.on("ready", () => {
      if (!this.lostConnection) return;
      this.lostConnection = false;
      for (const set of this.listeners.values()) for (const l of set) l.onResync();
    });
  }

  /** Starts delivering the recipient's events to `listener`; resolves once subscribed. Returns the unsubscribe. */
  async subscribe(recipientId: string, listener: InboxListener): Promise<() => Promise<void>> {
    const channel = inboxChannel(this.prefix, recipientId);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    let ready = this.subscribed.get(channel);
    if (!ready) {
      ready = this.subscriber.subscribe(channel);
      this.subscribed.set(channel, ready);
    }
    try {
      await ready;
    } catch (err) {
      this.subscribed.delete(channel);
      await this.remove(channel, listener);
      throw err;
    }
    return () => this.remove(channel, listener);
  }

  private async remove(channel: string, listener: InboxListener): Promise<void> {
    const current = this.listeners.get(channel);
    if (!current?.delete(listener) || current.size > 0) return;
    this.listeners.delete(channel);
    if (!this.subscribed.delete(channel)) return;
    await this.subscriber.unsubscribe(channel).catch(() => {});
  }

  /** Open listeners, for metrics and tests. */
  get size(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  /** Asks every open stream to end, so a graceful shutdown is not held up by long-lived connections. */
  shutdown(): void {
    for (const set of this.listeners.values()) for (const l of set) l.onShutdown?.();
  }

  close(): void {
    this.shutdown();
    this.listeners.clear();
    this.subscriber.disconnect();
  }
}
