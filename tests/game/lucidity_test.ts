import { assert, assertEquals } from "@std/assert";
import { ELDRITCH_DRAIN, lucidityTick, REST_RECOVERY } from "../../lib/game/lucidity.ts";
import { sequence, testGame } from "../support/game.ts";

Deno.test("eldritch rooms drain lucidity each tick, twice as fast at the witching hour", async () => {
  await using test = await testGame({ random: sequence(0.99), hour: 12 });
  const ann = await test.join("Ann", "arkham.witch_house");
  ann.events();
  lucidityTick(test.game);
  assertEquals(ann.state.lucidity, 100 - ELDRITCH_DRAIN);
  const [stats, ...more] = ann.events();
  assertEquals(more, []);
  const { quest, ...figures } = stats?.data as Record<string, unknown>;
  assertEquals(stats?.type, "player.stats");
  assertEquals(figures, { lucidity: 97, resting: false, dp: 20, maxDp: 20 });
  assertEquals(
    quest,
    {
      title: "The Vanished Professor",
      done: 0,
      steps: 7,
      complete: false,
      next: test.game.world.quests().next().value?.steps[0]?.hint,
    },
    "the story in hand goes with the stats, for the status panel",
  );
  while (test.game.clock.hour !== 3) test.game.clock.advance();
  lucidityTick(test.game);
  assertEquals(ann.state.lucidity, 100 - 3 * ELDRITCH_DRAIN);
  assertEquals(ann.state.dirty, true, "changed stats are saved by the next autosave");
});

Deno.test("resting in a rest room restores lucidity; resting elsewhere is refused", async () => {
  await using test = await testGame({ random: sequence(0.99) });
  const ann = await test.join("Ann", "arkham.velmas_diner", { lucidity: 50 });
  await ann.run("rest");
  assertEquals(ann.state.resting, true);
  lucidityTick(test.game);
  assertEquals(ann.state.lucidity, 50 + REST_RECOVERY);
  await ann.run("w");
  assertEquals(ann.state.resting, false, "moving ends the rest");
  lucidityTick(test.game);
  assertEquals(ann.state.lucidity, 50 + REST_RECOVERY);
  ann.events();
  await ann.run("rest");
  assertEquals(
    ann.events().find((event) => event.type === "system.error")?.data.code,
    "not_restful",
  );
});

Deno.test("below 30 lucidity, hallucinated lines are mixed into what the player sees", async () => {
  await using test = await testGame({ random: sequence(0) });
  const ann = await test.join("Ann", "arkham.velmas_diner", { lucidity: 10 });
  const bob = await test.join("Bob", "arkham.velmas_diner");
  ann.events();
  bob.events();
  lucidityTick(test.game);
  const visions = ann.events().filter((event) => event.data.hallucination === true);
  assertEquals(visions.length, 1);
  assertEquals(visions[0]?.type, "room.say");
  assertEquals(
    bob.events().filter((event) => event.data.hallucination === true),
    [],
    "only Ann sees it",
  );
  const steady = await test.join("Cat", "arkham.velmas_diner", { lucidity: 90 });
  steady.events();
  lucidityTick(test.game);
  assertEquals(steady.events(), []);
});

Deno.test("a mind that gives out wakes in the sanitarium infirmary", async () => {
  await using test = await testGame({ random: sequence(0.99) });
  const ann = await test.join("Ann", "mu.stacks", { lucidity: 2 });
  ann.events();
  lucidityTick(test.game);
  assertEquals(ann.state.room, "san.infirmary");
  assertEquals(ann.state.lucidity, 25);
  const events = ann.events();
  assert(events.some((event) => event.data.code === "player.collapsed"));
  assert(events.some((event) => event.type === "room.look"));
});
