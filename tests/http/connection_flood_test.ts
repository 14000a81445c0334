/**
 * More connections than file descriptors, against the real server process under a low
 * `ulimit -n`.
 */

import { assert, assertEquals } from "@std/assert";
import { KvStore } from "../../lib/store/kv_store.ts";
import { TestPlayer } from "../support/player.ts";
import { spawnServer } from "../support/process.ts";
import { tempDir } from "../support/temp_dir.ts";
import { waitFor } from "../support/wait.ts";
import { present } from "../support/present.ts";

const FILE_LIMIT = 256;
const FLOOD = 320;

/** Opens a connection that sends half a request and never finishes it. */
async function halfOpen(port: number): Promise<Deno.TcpConn | undefined> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n")).catch(() => 0);
    return conn;
  } catch {
    return undefined;
  }
}

Deno.test("more half-open connections than descriptors: the server refuses the excess with 503, keeps a player's stream, recovers, and SIGTERM exits 0 with the player saved", async () => {
  await using dir = await tempDir();
  await using server = spawnServer({
    fileLimit: FILE_LIMIT,
    env: {
      MYTHOS_DATA_DIR: dir.path,
      MYTHOS_HEARTBEAT_MS: "100",
      MYTHOS_HEADER_TIMEOUT_MS: "600000",
      MYTHOS_NPC_TICK_MS: "3600000",
    },
  });
  const listening = await server.waitForLog((line) => line.msg === "listening");
  const port = Number(listening.port);
  const url = new URL(`http://127.0.0.1:${port}`);

  await using player = await TestPlayer.register(url, "Flooded");
  await player.connect();
  await player.expect("room.look");
  await player.do("north");
  await player.expect(
    "room.look",
    (data) => (data.room as { id: string }).id === "arkham.garrison_st",
  );

  const flood: Deno.TcpConn[] = [];
  try {
    for (let i = 0; i < FLOOD; i++) {
      const conn = await halfOpen(port);
      if (conn !== undefined) flood.push(conn);
    }
    // The excess got a 503 and was closed; read one of the last connections to see it.
    const refused = new Uint8Array(512);
    const n = await flood.at(-1)?.read(refused);
    const answer = new TextDecoder().decode(refused.subarray(0, n ?? 0));
    assert(answer.startsWith("HTTP/1.1 503"), `the excess is refused: ${answer}`);
    assert(/retry-after: \d+/i.test(answer), "with Retry-After");

    // The player's stream, opened before the flood, goes on.
    const ping = await player.stream.nextOf("stream.ping", 5000);
    assertEquals(ping.data, "{}");
  } finally {
    for (const conn of flood) conn.close();
  }

  // Once the flood closes, new connections are served again.
  await waitFor(async () =>
    (await fetch(new URL("/healthz", url)).then(async (r) => {
      await r.body?.cancel();
      return r.status === 200;
    }).catch(() => false)) || undefined, { timeout: 10_000, message: "/healthz to answer 200" });
  await player.do("say still here");
  await player.expect("room.say", (data) => data.text === "still here");
  assert(!server.logs.some((line) => line.msg === "shutdown complete"), "the server never stopped");
  // The server could not read its file limit (that needs --allow-all), assumed more, and learnt.
  const lowered = server.logs.find((line) =>
    line.msg === "out of file descriptors below the connection cap; lowering the cap"
  );
  assert(lowered !== undefined && Number(lowered.maxConnections) < FILE_LIMIT);

  server.child.kill("SIGTERM");
  const status = await server.exited();
  assertEquals(status.code, 0, server.stderr());
  const report = server.logs.find((line) => line.msg === "shutdown complete");
  assertEquals(report?.playersSaved, 1);
  assert(!server.stderr().includes("Uncaught"), server.stderr());

  await using store = await KvStore.open(dir.path);
  const account = present(await store.findAccountByName("Flooded"), "the account");
  assertEquals((await store.getPlayer(account.id))?.room, "arkham.garrison_st");
});
