/**
 * `deno task cluster` as an admin runs it: a real process that starts redis-server, PostgreSQL,
 * a world node, two edges and HAProxy; a player plays through it; Ctrl-C (SIGINT) stops it all in
 * order and it exits 0.
 */

import { assert, assertEquals } from "@std/assert";
import { freePort } from "../support/ports.ts";
import { skipWithoutHaproxy } from "../support/haproxy.ts";
import { TestPlayer } from "../support/player.ts";
import { skipWithoutPostgres } from "../support/postgres.ts";
import { spawnServer } from "../support/process.ts";
import { skipWithoutRedis } from "../support/redis.ts";
import { tempDir } from "../support/temp_dir.ts";
import { waitFor } from "../support/wait.ts";

const ignore = skipWithoutRedis("deno task cluster") || skipWithoutPostgres("deno task cluster") ||
  skipWithoutHaproxy("deno task cluster");

Deno.test({
  name: "deno task cluster starts a whole cluster behind HAProxy, and Ctrl-C stops it in order",
  ignore,
}, async () => {
  await using dir = await tempDir();
  // PostgreSQL runs as its own user when the test runs as root: it must reach its directory.
  await Deno.chmod(dir.path, 0o755);
  const port = freePort();
  await using cluster = spawnServer({
    script: "lib/cli/cluster.ts",
    args: ["--data-dir", dir.path],
    allowRun: true,
    env: { MYTHOS_PORT: String(port), MYTHOS_LOG_LEVEL: "warn" },
  });
  await waitFor(() => cluster.stderr().includes("cluster: ready") || undefined, {
    message: `the cluster to start (${cluster.stderr()})`,
    timeout: 60_000,
  });
  const url = new URL(`http://127.0.0.1:${port}`);
  {
    await using ann = await TestPlayer.register(url, "Ann");
    await ann.connect();
    await ann.expect("room.look");
    await ann.do("say hello through the balancer");
    await ann.expect("room.say", (data) => data.text === "hello through the balancer");
  }
  cluster.child.kill("SIGINT");
  const status = await cluster.exited(60_000);
  assertEquals(status.code, 0, cluster.stderr());
  const stopped = [...cluster.stderr().matchAll(/^cluster: stopping (.+)$/gm)].map((m) => m[1]);
  assertEquals(stopped, ["haproxy", "edge-2", "edge-1", "world", "PostgreSQL", "redis-server"]);
  assert(!cluster.stderr().includes("failed"), cluster.stderr());
});
