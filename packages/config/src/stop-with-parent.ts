/**
 * For a process started with an IPC channel (as `npm start` starts the API
 * and the workers): when the parent dies without stopping it (kill -9), it
 * stops as on SIGTERM, through its own shutdown, instead of running on
 * orphaned with its port taken and its jobs held. The channel is unref'd so
 * that it alone never keeps the process alive. Without a channel (started on
 * its own, under a supervisor) it does nothing.
 *
 * Call it first thing at start-up: a parent that dies while the process is
 * still starting (migrating, waiting for PostgreSQL) must stop it too, and a
 * channel already closed when this is called stops the process at once.
 */
export function stopWithParent(): void {
  const stop = () => {
    process.kill(process.pid, "SIGTERM");
  };
  // Started with a channel that is already gone: the "disconnect" event has passed.
  if (typeof process.send === "function" && !process.connected) {
    stop();
    return;
  }
  if (!process.channel) return;
  process.channel.unref();
  process.once("disconnect", stop);
}
