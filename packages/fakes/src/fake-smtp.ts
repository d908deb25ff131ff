import PostalMime from "postal-mime";
import { SMTPServer } from "smtp-server";
import { Behaviour, controls, type FailureRule, type FakeProvider, Recorder } from "./behaviour.ts";

export interface SmtpMessage {
  envelope: { from: string; to: string[] };
  /** The message as it came over the wire (RFC 5322). */
  raw: string;
  subject: string;
  html: string | undefined;
  text: string | undefined;
  /** Parsed headers, lower-case names (`list-unsubscribe`, `reply-to`, `message-id`…). */
  headers: Record<string, string>;
  /** Login used, if the client authenticated. */
  user?: string;
}

/** The SMTP commands a fake can refuse: the sender, a recipient, or the message (after its data). */
export type SmtpStage = "MAIL FROM" | "RCPT TO" | "DATA";

/** How the final replies to the next messages go wrong although the server took them (see {@link FakeSmtp.spoilReplies}). */
export interface ReplyRule {
  /** Hold the 250 this long after the message was taken. Default 0. */
  delayMs?: number;
  /** Drop the connection instead of replying. Default false. */
  cut?: boolean;
  /** How many messages. Default: every one until `reset()`. */
  times?: number;
}

export interface FakeSmtp extends FakeProvider<SmtpMessage> {
  /** `smtp://user:pass@127.0.0.1:port` (or without credentials), ready for nodemailer / `SMTP_URL`. */
  readonly smtpUrl: string;
  /**
   * Refuse the next messages at `stage` with the rule's SMTP reply code
   * (`body`: the reply text). `failWith(rule)` is `failAt("DATA", rule)`.
   */
  failAt(stage: SmtpStage, rule: FailureRule): void;
  /**
   * The next messages are taken (recorded, i.e. queued for delivery) as soon
   * as their data ended, but the server's final reply comes late or never
   * (the connection dropped): what a client sees when the server queued the
   * message and the 250 was lost. `setLatency`, by contrast, delays before
   * the message is taken.
   */
  spoilReplies(rule: ReplyRule): void;
}

// The line break before a MIME boundary belongs to the boundary (RFC 2046 §5.1.1), not the body.
const bodyPart = (s: string | undefined) => s?.replace(/\r?\n$/, "");

export interface FakeSmtpOptions {
  /** Require this login (AUTH PLAIN/LOGIN). Default: no authentication. */
  auth?: { user: string; pass: string };
}

/** The rule's SMTP reply as the error smtp-server answers a command with. */
function refusal(rule: FailureRule): Error {
  const err = new Error((rule.body as string | undefined) ?? `Simulated failure ${rule.status}`) as Error & {
    responseCode: number;
  };
  err.responseCode = rule.status;
  return err;
}

/**
 * An SMTP server (the `smtp-server` package) on loopback that keeps every
 * message, parsed. `failWith({status: 451})` makes the next messages get that
 * SMTP reply at DATA (4xx = try later, 5xx = rejected); `failAt("MAIL FROM" |
 * "RCPT TO", rule)` refuses them at that command instead.
 */
export async function startFakeSmtp(options: FakeSmtpOptions = {}): Promise<FakeSmtp> {
  const behaviour = new Behaviour();
  // The envelope's commands fail on their own rules; latency stays with DATA's `behaviour`.
  const envelope = { "MAIL FROM": new Behaviour(), "RCPT TO": new Behaviour() };
  const recorder = new Recorder<SmtpMessage>();
  let replyRules: { rule: ReplyRule; left: number }[] = [];
  const nextReplyRule = () => {
    const head = replyRules[0];
    if (!head) return undefined;
    head.left -= 1;
    if (head.left <= 0) replyRules.shift();
    return head.rule;
  };
  const server: SMTPServer = new SMTPServer({
    disabledCommands: options.auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        return callback(null, { user: auth.username });
      }
      const err = new Error("Invalid username or password") as Error & { responseCode: number };
      err.responseCode = 535;
      callback(err);
    },
    async onMailFrom(_address, _session, callback) {
      const failure = await envelope["MAIL FROM"].next();
      callback(failure ? refusal(failure) : undefined);
    },
    async onRcptTo(_address, _session, callback) {
      const failure = await envelope["RCPT TO"].next();
      callback(failure ? refusal(failure) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        const failure = await behaviour.next();
        if (failure) return callback(refusal(failure));
        const raw = Buffer.concat(chunks).toString("utf8");
        const parsed = await PostalMime.parse(raw);
        recorder.push({
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          raw,
          subject: parsed.subject ?? "",
          html: bodyPart(parsed.html),
          text: bodyPart(parsed.text),
          headers: Object.fromEntries(parsed.headers.map((h) => [h.key.toLowerCase(), h.value])),
          ...(typeof session.user === "string" ? { user: session.user } : {}),
        });
        const spoil = nextReplyRule();
        if (spoil?.cut) {
          // The connection of this session, gone before the 250 is written.
          for (const c of server.connections) if (c.id === session.id) c._socket.destroy();
          return;
        }
        if (spoil?.delayMs) await new Promise((r) => setTimeout(r, spoil.delayMs));
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.server.address() as { port: number }).port));
  });
  const creds = options.auth
    ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`
    : "";
  const base = controls(
    `smtp://127.0.0.1:${port}`,
    behaviour,
    recorder,
    () => new Promise<void>((resolve) => server.close(() => resolve())),
  );
  return {
    ...base,
    smtpUrl: `smtp://${creds}127.0.0.1:${port}`,
    failAt(stage, rule) {
      if (stage === "DATA") behaviour.failWith(rule);
      else envelope[stage].failWith(rule);
    },
    spoilReplies(rule) {
      replyRules.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY });
    },
    reset() {
      base.reset();
      replyRules = [];
      envelope["MAIL FROM"].reset();
      envelope["RCPT TO"].reset();
    },
  };
}
