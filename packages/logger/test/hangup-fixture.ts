/**
 * Logs as a Herald process does, and on SIGHUP keeps logging for a graceful
 * shutdown's length before recording that it got through it. Run on a
 * pseudo-terminal by `closed-terminal.test.ts`, which then closes it.
 */
import { writeFileSync } from "node:fs";
import { createLogger } from "../src/create-logger.ts";

const marker = process.argv[2]!;
const logger = createLogger({ level: "info" });
process.on("SIGHUP", () => {
  let n = 0;
  const tick = setInterval(() => {
    logger.info({ n }, "still stopping");
    if (++n < 20) return;
    clearInterval(tick);
    writeFileSync(marker, "stopped cleanly");
    process.exit(0);
  }, 10);
});
setInterval(() => logger.info("running"), 20);
writeFileSync(marker, `ready ${process.pid}`);
