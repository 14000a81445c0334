/**
 * The real server (`startServer` from main.ts, settings from the environment as `deno task start`
 * reads them) with a second, bench-only listener whose `GET /memory` collects garbage first and
 * then answers `Deno.memoryUsage()`: heap figures without the garbage that happens to be
 * waiting. Run with `--v8-flags=--expose-gc`. Prints `{"msg":"listening","port","memoryPort"}`.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { startServer } from "../main.ts";
import { loadConfig } from "../lib/config.ts";
import { createLogger } from "../lib/log.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");

const config = loadConfig();
const server = await startServer(config, {
  logger: createLogger({ level: "warn" }),
  signals: {},
});
const control = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
  gc();
  gc();
  return Response.json(Deno.memoryUsage());
});
console.log(JSON.stringify({
  msg: "listening",
  port: server.url.port,
  memoryPort: control.addr.port,
}));
await server.supervisor.finished;
await control.shutdown();
