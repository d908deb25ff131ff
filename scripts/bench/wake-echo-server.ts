/**
 * The wake-cost probe's server: a bare node:http server answering every
 * request with a fixed 202 and a small JSON body, nothing else. Started by
 * wake-cost.ts; reports its port over IPC, answers `cpu` with its own CPU
 * time in µs (finer than /proc's 10 ms ticks) and exits on `stop`.
 */
import { createServer } from "node:http";

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(202, { "content-type": "application/json" });
    res.end('{"accepted":1}');
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.send!({ port: typeof address === "object" && address ? address.port : 0 });
});
process.on("message", (m: { cmd: string }) => {
  if (m.cmd === "cpu") {
    const { user, system } = process.cpuUsage();
    process.send!({ cpuUs: user + system });
  }
  if (m.cmd === "stop") server.close(() => process.exit(0));
});
