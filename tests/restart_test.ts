/**
 * Persistence across real restarts of the server process: a clean SIGTERM, and a kill -9.
 */

import { assertEquals } from "@std/assert";
import { KvStore } from "../lib/store/kv_store.ts";
import { TestPlayer } from "./support/player.ts";
import { type ServerProcess, spawnServer } from "./support/process.ts";
import { itemsSurviveKillNine } from "./support/kill_nine.ts";
import { tempDir } from "./support/temp_dir.ts";

const ENV = {
  MYTHOS_NPC_TICK_MS: "3600000",
  MYTHOS_CLOCK_MS_PER_HOUR: "3600000",
  MYTHOS_SHUTDOWN_DEADLINE_MS: "5000",
};

async function baseUrl(server: ServerProcess): Promise<URL> {
  const listening = await server.waitForLog((line) => line.msg === "listening");
  return new URL(`http://127.0.0.1:${listening.port}`);
}

Deno.test("a character keeps its room, stats and inventory across a SIGTERM restart, and its stream resumes", async () => {
  await using dir = await tempDir();
  const env = { ...ENV, MYTHOS_DATA_DIR: dir.path, MYTHOS_LUCIDITY_TICK_MS: "40" };
  let lucidity = 0;
  let lastEventId: string | undefined;
  {
    await using server = spawnServer({ env });
    const url = await baseUrl(server);
    await using ann = await TestPlayer.register(url, "Ann");
    await ann.connect();
    await ann.expect("room.look");
    await ann.do("get lantern");
    for (const step of ["n", "n", "e", "n"]) await ann.do(step);
    const drained = await ann.expect("player.stats", (data) => Number(data.lucidity) <= 94);
    await ann.do("s");
    await ann.expect(
      "room.look",
      (data) => (data.room as { id: string }).id === "arkham.church_st",
    );
    lucidity = Number(
      (await ann.me()).stats && ((await ann.me()).stats as { lucidity: number }).lucidity,
    );
    assertEquals(lucidity <= Number(drained.lucidity), true);
    server.child.kill("SIGTERM");
    const shutdown = await ann.stream.nextOf("stream.shutdown");
    assertEquals(typeof JSON.parse(shutdown.data).retryMs, "number");
    assertEquals(await ann.stream.next(), undefined, "the stream ends cleanly");
    lastEventId = ann.stream.lastEventId;
    const status = await server.exited();
    assertEquals(status.code, 0, server.stderr());
    const report = server.logs.find((line) => line.msg === "shutdown complete");
    assertEquals(report?.playersSaved, 1);
  }
  {
    await using server = spawnServer({ env });
    const url = await baseUrl(server);
    await using ann = await TestPlayer.login(url, "Ann");
    const me = await ann.me();
    assertEquals((me.room as { id: string }).id, "arkham.church_st");
    assertEquals((me.stats as { lucidity: number }).lucidity, lucidity);
    assertEquals(me.inventory, ["a brass lantern"]);
    const stream = await ann.connect({ lastEventId });
    const hello = JSON.parse((await stream.nextOf("stream.hello")).data);
    assertEquals(hello.resumed, true, "nothing was missed across the restart");
    server.child.kill("SIGTERM");
    await stream.rest();
    assertEquals((await server.exited()).code, 0);
  }
});

Deno.test("kill -9 right after item moves leaves each item in exactly one place", async () => {
  await using dir = await tempDir();
  await itemsSurviveKillNine({ ...ENV, MYTHOS_DATA_DIR: dir.path }, () => KvStore.open(dir.path));
});
