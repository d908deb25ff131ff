import type { ChildProcess } from "node:child_process";
import { waitFor } from "./net.ts";

/**
 * A server process this process started and owns (PostgreSQL, Redis): its
 * start-up waits until it answers or exits, and tests stop or kill it.
 */
export abstract class OwnedServer {
  private child: ChildProcess | undefined;

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Takes ownership of a just-spawned server and waits until `answers` says
   * it does, up to `timeoutMs`; fails at once, saying where to look, if the
   * process exits first.
   */
  protected async adopt(
    child: ChildProcess,
    options: { what: string; logHint: string; timeoutMs: number; answers(): Promise<boolean> },
  ): Promise<void> {
    this.child = child;
    const exited = new Promise<never>((_, reject) =>
      child.once("exit", (code) =>
        reject(new Error(`${options.what} exited with code ${code}; see ${options.logHint}`)),
      ),
    );
    exited.catch(() => {});
    await Promise.race([waitFor(options.answers, options.timeoutMs, options.what), exited]);
  }

  /** The server's clean shutdown. */
  abstract stop(): Promise<void>;

  /** Crash: SIGKILL, as when a machine dies. */
  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  protected async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill(sig);
    });
    this.child = undefined;
  }
}
