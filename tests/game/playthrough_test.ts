/**
 * The whole story, played by two scripted investigators through the HTTP API and their event
 * streams against a real server process: both two-player steps, a fight in which one of them falls
 * and wakes in the infirmary, and a restart (SIGTERM, start again) in the middle — quest state,
 * items and the party survive it and both streams resume.
 */

import { assert, assertEquals } from "@std/assert";
import { TestPlayer } from "../support/player.ts";
import { type ServerProcess, spawnServer } from "../support/process.ts";
import { tempDir } from "../support/temp_dir.ts";
import { realWorld } from "../support/game.ts";
import { route } from "../support/world_route.ts";
import type { WorldData } from "../../lib/game/world_data.ts";

const ENV = {
  // NPCs stay where the story expects them, and the hour stays put.
  MYTHOS_NPC_TICK_MS: "3600000",
  MYTHOS_CLOCK_MS_PER_HOUR: "3600000",
  MYTHOS_LUCIDITY_TICK_MS: "3600000",
  MYTHOS_SHUTDOWN_DEADLINE_MS: "5000",
  // Fights go quickly: the test waits for one to end, never races one.
  MYTHOS_COMBAT_TICK_MS: "100",
};

async function baseUrl(server: ServerProcess): Promise<URL> {
  const listening = await server.waitForLog((line) => line.msg === "listening");
  return new URL(`http://127.0.0.1:${listening.port}`);
}

/** Walks a player to `to`; resolves once their stream shows them there. */
async function walk(world: WorldData, player: TestPlayer, from: string, to: string): Promise<void> {
  for (const direction of route(world, from, to)) await player.do(direction);
  await player.expect("room.look", (data) => (data.room as { id: string }).id === to);
}

/** Resolves with the `quest.update` for step `done` of the story on the player's stream. */
function stepDone(player: TestPlayer, done: number): Promise<Record<string, unknown>> {
  return player.expect(
    "quest.update",
    (data) => data.quest === "vanished_professor" && data.done === done,
  );
}

Deno.test("two investigators finish the story together through the HTTP API, across a server restart", async () => {
  const world = await realWorld();
  await using dir = await tempDir();
  const env = { ...ENV, MYTHOS_DATA_DIR: dir.path };
  const lastIds: Record<string, string | undefined> = {};
  {
    await using server = spawnServer({ env });
    const url = await baseUrl(server);
    await using ann = await TestPlayer.register(url, "Ann");
    await using bob = await TestPlayer.register(url, "Bob");
    await ann.connect();
    await ann.expect("system.notice", (data) => data.code === "welcome");
    await bob.connect();
    await bob.expect("room.look");
    await ann.do("party invite bob");
    await bob.expect("system.notice", (data) => data.code === "party_invitation");
    await bob.do("party accept");
    await ann.expect("party.say", (data) => data.text === "Bob joins the party.");

    await walk(world, ann, world.start, "arkham.garrison_st");
    await ann.do("ask newsboy about professor");
    await stepDone(ann, 1);
    assertEquals((await stepDone(bob, 1)).by, "Ann", "the party shares the step");

    await bob.do("get lantern");
    await bob.do("light lantern");
    await bob.expect("system.notice", (data) => data.code === "item.lit");
    await walk(world, ann, "arkham.garrison_st", "mu.library");
    await ann.do("ask armitage about professor");
    await stepDone(ann, 2);

    // Two at once: Bob holds the lantern in the dark stacks while Ann reads.
    await walk(world, bob, world.start, "mu.stacks");
    await ann.do("down");
    await ann.expect("room.look", (data) => (data.room as { id: string }).id === "mu.stacks");
    await ann.do("read notebook");
    await stepDone(ann, 3);

    // The thing in the vault's crates: Ann takes the amulet and stands her ground, and falls.
    await walk(world, ann, "mu.stacks", "mu.vault");
    await ann.do("get amulet");
    await stepDone(ann, 4);
    await ann.expect("combat.round", (data) => data.over === "fell", 30_000);
    await ann.expect("system.notice", (data) => data.code === "player.fell");
    assertEquals((await ann.me()).inventory, [], "what she carried lies where she fell");
    assertEquals(((await ann.me()).room as { id: string }).id, "san.infirmary");
    // Sated, the thing has withdrawn: Bob recovers the amulet and leaves the vault.
    await walk(world, bob, "mu.stacks", "mu.vault");
    await bob.do("get amulet");
    await bob.expect("system.notice", (data) => data.code === "item.taken");
    await bob.do("up");
    await bob.expect("room.look", (data) => (data.room as { id: string }).id === "mu.museum");

    server.child.kill("SIGTERM");
    for (const player of [ann, bob]) {
      await player.stream.nextOf("stream.shutdown");
      assertEquals(await player.stream.next(), undefined, "the stream ends cleanly");
      lastIds[player.name] = player.stream.lastEventId;
    }
    assertEquals((await server.exited()).code, 0, server.stderr());
  }
  {
    await using server = spawnServer({ env });
    const url = await baseUrl(server);
    await using ann = await TestPlayer.login(url, "Ann");
    await using bob = await TestPlayer.login(url, "Bob");
    for (const player of [ann, bob]) {
      const stream = await player.connect({ lastEventId: lastIds[player.name] });
      const hello = JSON.parse((await stream.nextOf("stream.hello")).data);
      assertEquals(hello.resumed, true, `${player.name} resumes with nothing missed`);
    }
    assertEquals((await ann.me()).inventory, []);
    assertEquals(((await bob.me()).inventory as string[]).sort(), [
      "a brass lantern",
      "a star-shaped stone amulet",
    ]);
    await ann.do("journal");
    const journal = await ann.expect("system.notice", (data) => data.code === "journal");
    assert(String(journal.text).includes("Next: Go to the Hall of the Esoteric Order"));
    await ann.do("party together again");
    await bob.expect("party.say", (data) => data.from === "Ann", 5000);

    // Two at once again: Bob distracts the acolyte while Ann takes the key.
    await walk(world, ann, "san.infirmary", "inn.order_hall");
    await walk(world, bob, "mu.museum", "inn.order_hall");
    await bob.do("distract acolyte");
    await bob.expect("system.notice", (data) => data.code === "distracting");
    await ann.do("get key");
    await stepDone(ann, 5);
    await ann.do("open trapdoor");
    await stepDone(ann, 6);

    // Lights go out with a restart: Bob lights the lantern again for the crypt.
    await bob.do("light lantern");
    await bob.expect("system.notice", (data) => data.code === "item.lit");
    for (const player of [bob, ann]) {
      await player.do("down");
      await player.expect(
        "room.look",
        (data) => (data.room as { id: string }).id === "inn.order_crypt",
      );
    }
    await bob.do("give amulet to professor");
    const end = await stepDone(bob, 7);
    assertEquals(end.complete, true);
    assertEquals((await stepDone(ann, 7)).complete, true);
    server.child.kill("SIGTERM");
    assertEquals((await server.exited()).code, 0);
  }
});
