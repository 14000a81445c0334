/**
 * A server on PostgreSQL whose database goes away while players play, and comes back.
 */

import { assert, assertEquals, assertRejects } from "@std/assert";
import { EventBus } from "../../lib/bus/event_bus.ts";
import { Game } from "../../lib/game/game.ts";
import { World } from "../../lib/game/world.ts";
import { StoreUnavailableError } from "../../lib/store/store.ts";
import { realWorld } from "../support/game.ts";
import { records } from "./store_contract.ts";
import { PostgresStore } from "../../lib/store/postgres_store.ts";
import { TestPlayer } from "../support/player.ts";
import { present } from "../support/present.ts";
import { skipWithoutPostgres, startPostgres } from "../support/postgres.ts";
import { spawnServer } from "../support/process.ts";
import { startTestServer } from "../support/server.ts";
import { tempDir } from "../support/temp_dir.ts";
import { waitFor } from "../support/wait.ts";

const ignore = skipWithoutPostgres("database outage tests");

const QUIET = {
  MYTHOS_NPC_TICK_MS: "3600000",
  MYTHOS_LUCIDITY_TICK_MS: "3600000",
  MYTHOS_AUTOSAVE_MS: "50",
};

async function statusOf(response: Promise<Response>): Promise<number> {
  const answer = await response;
  await answer.body?.cancel();
  return answer.status;
}

Deno.test({
  name:
    "the database lost while running: readiness off and commands 503, streams go on, and once it is back everything resumes with nothing lost",
  ignore,
}, async () => {
  await using pg = await startPostgres();
  const databaseUrl = await pg.newDatabase();
  await using test = await startTestServer({
    env: {
      ...QUIET,
      MYTHOS_DATABASE_URL: databaseUrl,
      MYTHOS_HEARTBEAT_MS: "100",
      MYTHOS_LINKDEAD_GRACE_MS: "200",
      MYTHOS_HISTORY_MS: "1000",
    },
  });
  await using ann = await TestPlayer.register(test.url, "Ann");
  await ann.connect();
  await ann.expect("room.look");
  await using bob = await TestPlayer.register(test.url, "Bob");
  await bob.connect();
  await bob.expect("room.look");

  await pg.stop();
  await waitFor(async () => (await statusOf(test.fetch("/readyz"))) === 503 || undefined, {
    message: "readiness to go off",
  });
  const refused = await ann.send("north");
  assertEquals(refused.status, 503);
  assert(Number(refused.headers.get("retry-after")) > 0);
  await refused.body?.cancel();
  await ann.stream.nextOf("stream.ping", 5000);

  await pg.start();
  await waitFor(async () => (await statusOf(test.fetch("/readyz"))) === 200 || undefined, {
    timeout: 15_000,
    message: "readiness to come back",
  });
  await ann.do("north");
  await ann.expect(
    "room.look",
    (data) => (data.room as { id: string }).id === "arkham.garrison_st",
  );
  await bob.do("north");
  await bob.expect("room.look");
  await bob.do("say still here");
  await ann.expect("room.say");

  // Bob leaves the world while the database is down (his grace runs out): the autosave saves him
  // once it is back. His newest event id is only in memory until then.
  await ann.do("say marker");
  const marker = await bob.stream.nextOf("room.say");
  await pg.stop();
  await waitFor(async () => (await statusOf(test.fetch("/readyz"))) === 503 || undefined);
  await bob.disconnect();
  await waitFor(
    () =>
      test.logs.some((line) => line.msg === "player left" && line.player === "Bob") || undefined,
    {
      message: "Bob to leave the world",
    },
  );
  await pg.start();
  {
    await using check = await PostgresStore.open(databaseUrl);
    const bobAccount = present(await check.findAccountByName("Bob"), "Bob's account");
    await waitFor(
      async () =>
        ((await check.getPlayer(bobAccount.id))?.lastEventId ?? 0) >= Number(marker.id) ||
        undefined,
      {
        timeout: 15_000,
        message: "Bob's leaving to be saved once the database is back",
      },
    );
  }
  const report = await test.server.shutdown("test over");
  assertEquals(report.exitCode, 0, JSON.stringify(report));
  await using store = await PostgresStore.open(databaseUrl);
  const account = present(await store.findAccountByName("Ann"), "Ann's account");
  assertEquals((await store.getPlayer(account.id))?.room, "arkham.garrison_st", "Ann's move saved");
});

Deno.test({
  name: "a server whose database cannot be reached exits 2 naming MYTHOS_DATABASE_URL",
  ignore,
}, async () => {
  await using dir = await tempDir();
  await using server = spawnServer({
    env: {
      MYTHOS_DATA_DIR: dir.path,
      MYTHOS_DATABASE_URL: "postgres://mythos@127.0.0.1:1/nowhere",
    },
  });
  const status = await server.exited();
  assertEquals(status.code, 2);
  const line = server.logs.find((entry) => entry.level === "error");
  assertEquals(line?.variable, "MYTHOS_DATABASE_URL");
});

Deno.test({
  name:
    "a character who left while the database was down and comes back before that save got through enters as it left",
  ignore,
}, async () => {
  await using pg = await startPostgres();
  await using store = await PostgresStore.open(await pg.newDatabase());
  const data = await realWorld();
  const game = new Game({ world: new World(data), bus: new EventBus({ firstId: 1 }), store });
  const [account, saved] = records("Bob");
  await store.createAccount(account, saved);
  const bob = game.enter(saved);
  game.move(bob, "arkham.garrison_st");
  await pg.stop();
  await assertRejects(() => game.leave(bob.id, "test"), StoreUnavailableError);
  await pg.start();
  const stale = present(await store.getPlayer(account.id), "the stored record");
  assertEquals(stale.room, "arkham.station", "the store still has where he was before");
  const back = game.enter(stale);
  assertEquals([back.room, back.dirty], ["arkham.garrison_st", true]);
  await game.saveDirty();
  assertEquals((await store.getPlayer(account.id))?.room, "arkham.garrison_st");
});
