/**
 * Danger: creatures hostile at night, fights advanced by one combat pass, fleeing, falling and
 * waking in the infirmary, safe places, and rest restoring DP.
 */

import { assert, assertEquals } from "@std/assert";
import { combatRound, WAKE_DP } from "../../lib/game/combat.ts";
import { lucidityTick } from "../../lib/game/lucidity.ts";
import { npcTick } from "../../lib/game/npcs.ts";
import { clockTick } from "../../lib/game/world_clock.ts";
import { MAX_DP } from "../../lib/game/world.ts";
import { npcById, sequence, testGame } from "../support/game.ts";

type Events = { type: string; data: Record<string, unknown> }[];
const rounds = (events: Events) => events.filter((event) => event.type === "combat.round");

Deno.test("at night a creature turns on a player; the fight goes round by round until it flees until dawn", async () => {
  // 0.99: every blow is the hardest; Brown Jenkin (6 DP) lasts two rounds.
  await using test = await testGame({ random: sequence(0.99), hour: 22 });
  const jenkin = npcById(test.game, "brown_jenkin");
  jenkin.present = true;
  const ann = await test.join("Ann", "arkham.witch_house");
  ann.events();
  await combatRound(test.game);
  assertEquals(ann.state.fighting, "brown_jenkin");
  const first = rounds(ann.events());
  assertEquals(first.map((event) => [event.data.dp, event.data.foeDp]), [[20, 6], [17, 2]]);
  await combatRound(test.game);
  const second = rounds(ann.events());
  assertEquals(second.at(-1)?.data.over, "won");
  assertEquals([ann.state.fighting, jenkin.present, jenkin.fled], [undefined, false, true]);
  npcTick(test.game);
  assertEquals(jenkin.present, false, "gone for the rest of the night");
  const clock = test.game.clock;
  while (clock.hour !== 5) clockTick(test.game);
  assertEquals(jenkin.fled, false, "back at dawn");
  while (clock.hour < 21) clockTick(test.game);
  npcTick(test.game);
  assertEquals([jenkin.present, jenkin.dp], [true, 6], "and haunting again the next night");
});

Deno.test("a player at 0 DP falls, drops what they carried where they fell, and wakes in the infirmary", async () => {
  await using test = await testGame({ random: sequence(0), hour: 22 });
  npcById(test.game, "brown_jenkin").present = true;
  const ann = await test.join("Ann", "arkham.station");
  await ann.run("get lantern");
  test.game.move(ann.state, "arkham.witch_house");
  ann.state.dp = 1;
  ann.events();
  await combatRound(test.game);
  const events = ann.events();
  assertEquals(rounds(events).at(-1)?.data.over, "fell");
  assertEquals(events.find((event) => event.data.code === "player.fell")?.type, "system.notice");
  assertEquals([ann.state.room, ann.state.dp, ann.state.fighting], [
    "san.infirmary",
    WAKE_DP,
    undefined,
  ]);
  assertEquals(test.game.world.item("lantern")?.placement, { room: "arkham.witch_house" });
  assertEquals(test.game.world.itemsCarriedBy(ann.state.id), []);
});

Deno.test("by day, and in safe places, no fight starts; attack and flee refuse clearly", async () => {
  await using test = await testGame({ random: sequence(0), hour: 12 });
  const jenkin = npcById(test.game, "brown_jenkin");
  jenkin.present = true;
  const ann = await test.join("Ann", "arkham.witch_house");
  await combatRound(test.game);
  assertEquals(ann.state.fighting, undefined, "not hostile by day");
  ann.events();
  const cases: [string, string][] = [
    ["attack", "missing_target"],
    ["attack ghost", "not_found"],
    ["flee", "not_fighting"],
  ];
  for (const [command, code] of cases) {
    await ann.run(command);
    assertEquals(ann.events().at(-1)?.data.code, code, command);
  }
  // By day a player may still choose to fight it; then flee through a way out.
  await ann.run("attack rat");
  assertEquals(ann.state.fighting, "brown_jenkin");
  await ann.run("flee");
  assertEquals([ann.state.fighting, ann.state.room], [undefined, "arkham.french_hill"]);
  test.game.move(ann.state, "arkham.station");
  ann.events();
  await ann.run("kill conductor");
  assertEquals(ann.events().at(-1)?.data.code, "not_a_foe");
  jenkin.room = "arkham.velmas_diner";
  test.game.move(ann.state, "arkham.velmas_diner");
  ann.events();
  await ann.run("attack rat");
  assertEquals(ann.events().at(-1)?.data.code, "safe");
});

Deno.test("resting restores DP as well as lucidity", async () => {
  await using test = await testGame({ hour: 12 });
  const ann = await test.join("Ann", "arkham.velmas_diner");
  ann.state.dp = 10;
  await ann.run("rest");
  lucidityTick(test.game);
  assert(ann.state.dp > 10 && ann.state.dp <= MAX_DP);
  assertEquals(test.game.world.record(ann.state, undefined).stats.dp, ann.state.dp, "saved");
});
