import { assert, assertEquals } from "@std/assert";
import { npcTick } from "../../lib/game/npcs.ts";
import { npcById, sequence, testGame } from "../support/game.ts";

Deno.test("NPC speakers talk only where someone can hear, with their own lines", async () => {
  // random 0: every chance succeeds and the first line is chosen.
  await using test = await testGame({ random: sequence(0) });
  const ann = await test.join("Ann", "arkham.station");
  ann.events();
  npcTick(test.game);
  const said = ann.events().filter((event) => event.data.npc === true);
  assert(
    said.some((event) =>
      event.type === "room.say" && event.data.from === "the station conductor" &&
      event.data.text === "Last train to Boston leaves at a quarter past eleven. Don't miss it."
    ),
  );
  const armitage = [...test.game.world.npcs()].find((npc) => npc.def.id === "armitage");
  assertEquals(
    test.game.world.playersIn(armitage?.room ?? "").length,
    0,
    "nobody in the library to hear him",
  );
});

Deno.test("wandering NPCs move one room at a time and never leave their zone", async () => {
  await using test = await testGame({ random: sequence(0.1, 0.9, 0.5, 0.99, 0.2) });
  const wanderers = [...test.game.world.npcs()].filter((npc) => npc.def.wander > 0);
  assert(wanderers.length >= 3);
  const zones = new Map(wanderers.map((npc) => [npc.def.id, test.game.world.room(npc.room)?.zone]));
  for (let tick = 0; tick < 200; tick++) {
    const before = new Map(wanderers.map((npc) => [npc.def.id, npc.room]));
    npcTick(test.game);
    for (const npc of wanderers) {
      if (!npc.present) continue;
      const from = before.get(npc.def.id) ?? "";
      if (from !== npc.room) {
        assert(
          [...(test.game.world.room(from)?.exits.values() ?? [])].includes(npc.room),
          "moved through an exit",
        );
      }
      assertEquals(test.game.world.room(npc.room)?.zone, zones.get(npc.def.id));
    }
  }
});

Deno.test("a moving NPC is seen leaving and arriving with directions", async () => {
  await using test = await testGame({ random: sequence(0) });
  const newsboy = npcById(test.game, "newsboy");
  const origin = newsboy.room;
  const ann = await test.join("Ann", origin);
  ann.events();
  npcTick(test.game);
  const left = ann.events().find((event) =>
    event.type === "room.leave" && event.data.who === "a ragged newsboy"
  );
  assertEquals(left?.data.to, [...(test.game.world.room(origin)?.exits.keys() ?? [])][0]);
  const bob = await test.join("Bob", newsboy.room);
  bob.events();
  npcTick(test.game);
  const arrived = [...bob.events()];
  assert(
    arrived.some((event) => event.type === "room.leave" && event.data.who === "a ragged newsboy"),
  );
});

Deno.test("the night NPC appears at nightfall and goes at dawn, seen by the room", async () => {
  await using test = await testGame({ random: sequence(0.999), hour: 19 });
  const figure = npcById(test.game, "deep_one");
  const ann = await test.join("Ann", figure.def.room);
  npcTick(test.game);
  assertEquals(figure.present, false, "absent by day");
  assertEquals(test.game.world.view(figure.def.room)?.npcs, []);
  test.game.clock.advance();
  ann.events();
  npcTick(test.game);
  assertEquals(figure.present, true);
  assertEquals(ann.events().map((event) => [event.type, event.data.who]), [[
    "room.enter",
    "a hunched, fish-eyed figure",
  ]]);
  assertEquals(test.game.world.view(figure.def.room)?.npcs, ["a hunched, fish-eyed figure"]);
  while (test.game.clock.hour !== 5) test.game.clock.advance();
  npcTick(test.game);
  assertEquals(figure.present, false);
  assertEquals(ann.events().filter((event) => event.type === "room.leave").length, 1);
});
