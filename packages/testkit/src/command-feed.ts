import { connect, type Socket } from "node:net";

/** One command Redis ran, as `MONITOR` shows it. */
export interface MonitoredCommand {
  /** The command and its arguments, unescaped. */
  args: string[];
  /** `lua` for a command a script ran, else the client's address. */
  source: string;
}

export interface CommandFeed {
  /** Called for every command Redis runs from now on, in the order Redis ran them. */
  onCommand(listener: (command: MonitoredCommand) => void): void;
  close(): void;
}

/**
 * Redis's `MONITOR` on a plain socket. ioredis's `monitor()` loses a race on
 * a busy server: the first command shown can arrive in the same read as
 * MONITOR's `+OK`, before ioredis has switched the connection to monitor
 * mode, and it throws "Command queue state error" from its socket handler
 * (an uncaught exception, seen in a CI run beside other tests). Here every
 * line after `+OK` is a command, however the reads split them.
 */
export async function startCommandFeed(url: string): Promise<CommandFeed> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect({ host: hostname || "127.0.0.1", port: Number(port || 6379) });
  const listeners: ((command: MonitoredCommand) => void)[] = [];
  let buffer = "";
  let started = false;
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf("\r\n"); end >= 0; end = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!started) {
          if (line !== "+OK") return reject(new Error(`MONITOR answered ${line}`));
          started = true;
          resolve();
          continue;
        }
        const command = parseMonitorLine(line);
        if (command) for (const listener of listeners) listener(command);
      }
    });
    socket.write("MONITOR\r\n");
  });
  // A Redis restarted under a test ends the feed; that is not the test's failure.
  socket.on("error", () => {});
  return {
    onCommand: (listener) => void listeners.push(listener),
    close: () => socket.destroy(),
  };
}

/**
 * `+1700000000.123456 [0 127.0.0.1:5000] "SET" "k" "a\"b"` → the arguments and
 * the source (`lua` or an address). Arguments are quoted the way Redis's
 * `sdscatrepr` writes them: `\\`, `\"`, `\n`, `\r`, `\t`, `\a`, `\b`, `\xHH`.
 */
export function parseMonitorLine(line: string): MonitoredCommand | null {
  const head = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] /.exec(line);
  if (!head) return null;
  const args: string[] = [];
  let i = head[0].length;
  while (i < line.length) {
    if (line[i] === " ") {
      i++;
      continue;
    }
    if (line[i] !== '"') return null;
    const bytes: number[] = [];
    for (i++; i < line.length && line[i] !== '"'; i++) {
      const c = line[i]!;
      if (c !== "\\") {
        bytes.push(...Buffer.from(c, "utf8"));
        continue;
      }
      const e = line[++i]!;
      if (e === "x") {
        bytes.push(Number.parseInt(line.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push((ESCAPES[e] ?? e).charCodeAt(0));
    }
    i++;
    args.push(Buffer.from(bytes).toString("utf8"));
  }
  return { args, source: head[1]! };
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", a: "\x07", b: "\b" };
