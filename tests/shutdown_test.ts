/**
 * Shutting down the real server process with many players online.
 */

import { assert, assertEquals, assertLess } from "@std/assert";
import { botName } from "../bench/lib/bot.ts";
import { TestPlayer } from "./support/player.ts";
import { spawnServer } from "./support/process.ts";
import { tempDir } from "./support/temp_dir.ts";

Deno.test("SIGTERM with 200 open streams: each gets stream.shutdown and a clean end; every player is saved; exit 0 within the deadline", async () => {
  await using dir = await tempDir();
  await using server = spawnServer({
    env: {
      MYTHOS_DATA_DIR: dir.path,
      MYTHOS_SHUTDOWN_DEADLINE_MS: "5000",
      MYTHOS_LOGIN_ATTEMPTS_PER_MINUTE: "1000",
      MYTHOS_NPC_TICK_MS: "3600000",
    },
  });
  const listening = await server.waitForLog((line) => line.msg === "listening");
  const url = new URL(`http://127.0.0.1:${listening.port}`);
  const players: TestPlayer[] = [];
  try {
    for (let i = 0; i < 200; i++) {
      const name = botName("Player", i);
      const player = await TestPlayer.register(url, name);
      players.push(player);
      await player.connect();
    }
    for (const player of players) await player.expect("room.look");
    server.child.kill("SIGTERM");
    for (const player of players) {
      const rest = await player.stream.rest();
      const shutdown = rest.find((frame) => frame.event === "stream.shutdown");
      assert(shutdown !== undefined, `${player.name} got stream.shutdown`);
      assertEquals(rest.at(-1)?.event, "stream.shutdown", "it is the last frame");
      assertEquals(player.stream.error, undefined, "the stream ended cleanly");
    }
    // The bound is on what the server reports of its own shutdown: the test's time reading 200
    // streams on a busy machine is not the server's.
    const status = await server.exited();
    assertEquals(status.code, 0, server.stderr());
    const report = server.logs.find((line) => line.msg === "shutdown complete");
    assertEquals(report?.streamsClosed, 200);
    assertEquals(report?.streamsForced, 0);
    assertEquals(report?.playersSaved, 200);
    assertEquals(report?.deadlineHit, false);
    assertLess(Number(report?.totalMs), 5000);
  } finally {
    for (const player of players) await player.disconnect();
  }
});
