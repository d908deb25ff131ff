/**
 * postinstall: patches postgres.js 3.4.9 (porsager/postgres#1154, #1208,
 * unmerged fixes #1168/#1176). When a connection closes while a small write
 * is buffered, `nextWrite` runs on a null socket and throws from a
 * setImmediate callback: an uncatchable crash of the whole process, which we
 * hit when PostgreSQL restarts under load. Teardown also leaves the buffered
 * chunk and a stale timer behind, so the reconnected connection would send
 * stale bytes or never flush. The patch skips writes to a closed socket and
 * resets the write buffer on teardown. Idempotent; a different postgres
 * version is left alone with a warning (check whether it still needs this).
 */
import { patchPostgres } from "./patch-postgres.mjs";

const MARK = "/* herald: closed-socket patch */";

const edits = [
  [
    "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)",
    `  function nextWrite(fn) {\n    ${MARK}\n    if (socket === null) {\n      chunk = nextWriteTimer = null\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
  ],
  [
    "    clearImmediate(nextWriteTimer)\n    if (socket) {",
    "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {",
  ],
  [
    "    incomings = null\n    clearImmediate(nextWriteTimer)\n",
    "    incomings = null\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n",
  ],
];

patchPostgres("closed-socket", MARK, { "connection.js": edits });
