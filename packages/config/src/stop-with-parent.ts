/**
 * For a process started with an IPC channel (as `npm start` starts the API
 * and the workers): when the parent dies without stopping it (kill -9), it
 * stops as on SIGTERM, through its own shutdown, instead of running on
 * orphaned with its port taken and its jobs held. The channel is unref'd so
 * that it alone never keeps the process alive. Without a channel (started on
 * its own, under a supervisor) it does nothing.
 */
export function stopWithParent(): void {
  if (!process.channel) return;
  process.channel.unref();
  process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
}
