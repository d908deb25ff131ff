import { type Db, type DeviceKind, type DeviceRow, removeDeviceById } from "@herald/db";
import { asDeliveryError, DeliveryError } from "@herald/errors";
import { GoneDeviceError } from "../delivery-errors.ts";
import type { ChannelSender, SendContext } from "../provider.ts";
import type { PushMessage, PushProvider } from "./push-message.ts";

export interface PushSenderOptions {
  /** A notification's click report URL (`${PUBLIC_URL}/v1/push/clicks?token=…`), where herald-sw.js reports clicks. */
  clickUrl: (notificationId: string) => string;
}

function pushMessage(ctx: SendContext, clickUrl: (notificationId: string) => string): PushMessage {
  const n = ctx.notification;
  const content = n.content;
  if (content.channel !== "push") {
    throw new DeliveryError("permanent", `not push content (${content.channel})`, {
      provider: "push",
      code: "bad_content",
    });
  }
  return {
    notificationId: n.id,
    type: n.type,
    title: content.title,
    body: content.body,
    ...(content.url ? { url: content.url } : {}),
    ...(content.icon ? { icon: content.icon } : {}),
    ...(content.data ? { data: content.data } : {}),
    priority: n.priority,
    clickUrl: clickUrl(n.id),
  };
}

/**
 * Push to every device of the recipient, each through the provider for its
 * kind (web push, FCM, APNs), in parallel. Succeeds when any device accepted;
 * devices the provider reports gone are removed either way. With none
 * accepted: transient if any failure was (rate-limited if every transient
 * one was), `gone` if every device is gone, else permanent.
 */
export function pushSender(db: Db, providers: PushProvider[], options: PushSenderOptions): ChannelSender {
  const byKind = new Map<DeviceKind, PushProvider>(providers.map((p) => [p.kind, p]));
  return {
    channel: "push",
    providers: providers.map((p) => p.name),
    async send(ctx) {
      const message = pushMessage(ctx, options.clickUrl);
      const targets = ctx.devices.filter((d) => byKind.has(d.kind));
      const skipped = ctx.devices.length - targets.length;
      if (targets.length === 0) {
        throw new DeliveryError(
          "permanent",
          ctx.devices.length === 0
            ? "recipient has no push devices any more"
            : `no push provider configured for device kinds ${[...new Set(ctx.devices.map((d) => d.kind))].join(", ")}`,
          { provider: providers.map((p) => p.name).join(","), code: "no_destination" },
        );
      }
      const results = await Promise.all(
        targets.map(async (device: DeviceRow) => {
          const provider = byKind.get(device.kind)!;
          try {
            return {
              device,
              provider,
              ok: true as const,
              messageId: (await provider.send(device, message)).messageId,
            };
          } catch (err) {
            return { device, provider, ok: false as const, error: asDeliveryError(provider.name, err) };
          }
        }),
      );
      const accepted = results.filter((r) => r.ok);
      const failed = results.flatMap((r) => (r.ok ? [] : [r]));
      const gone = failed.filter((r) => r.error.kind === "gone").map((r) => r.device.id);
      await Promise.all(gone.map((id) => removeDeviceById(db, id)));

      const detail = {
        devices: {
          accepted: accepted.length,
          gone: gone.length,
          failed: failed.length - gone.length,
          ...(skipped > 0 ? { skipped } : {}),
        },
        ...(failed.length > 0
          ? {
              errors: failed.map((f) => ({
                provider: f.provider.name,
                code: f.error.code,
                kind: f.error.kind,
              })),
            }
          : {}),
      };
      if (accepted.length > 0) {
        const first = accepted[0]!;
        return {
          provider: [...new Set(accepted.map((a) => a.provider.name))].join("+"),
          providerMessageId: first.messageId!,
          detail,
        };
      }
      const transient = failed.filter((f) => f.error.kind === "transient");
      if (transient.length > 0) {
        const waits = transient.map((t) => t.error.retryAfterMs).filter((w): w is number => w !== undefined);
        const e = transient[0]!.error;
        throw new DeliveryError(
          "transient",
          transient
            .map((t) => t.error.message)
            .join("; ")
            .slice(0, 1000),
          {
            provider: e.provider,
            ...(e.code ? { code: e.code } : {}),
            ...(waits.length === transient.length ? { retryAfterMs: Math.min(...waits) } : {}),
            // Only a provider account's limit says so (push services' own 429s are per device):
            // the channel pauses as for an e-mail or SMS account's, using no attempt.
            rateLimited: transient.every((t) => t.error.rateLimited),
          },
        );
      }
      if (gone.length === failed.length) {
        throw new GoneDeviceError(`every push device is gone (${gone.length})`, {
          provider: failed[0]!.provider.name,
          code: failed[0]!.error.code ?? "gone",
          deviceIds: gone,
        });
      }
      const e = failed.find((f) => f.error.kind === "permanent")!.error;
      throw new DeliveryError(
        "permanent",
        failed
          .map((f) => f.error.message)
          .join("; ")
          .slice(0, 1000),
        {
          provider: e.provider,
          ...(e.code ? { code: e.code } : {}),
        },
      );
    },
    async close() {
      await Promise.all(providers.map((p) => p.close?.()));
    },
  };
}
