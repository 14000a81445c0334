import { assertEquals } from "@std/assert";
import { daypartOf, isNight, MythosClock } from "../../lib/game/clock.ts";
import { clockTick } from "../../lib/game/world_clock.ts";
import { testGame } from "../support/game.ts";

Deno.test("the clock counts hours and names the parts of the day", () => {
  const clock = new MythosClock(23);
  assertEquals(clock.advance(), 0);
  assertEquals(daypartOf(3), "witching hour");
  assertEquals(daypartOf(6), "dawn");
  assertEquals(daypartOf(14), "afternoon");
  assertEquals(daypartOf(18), "dusk");
  assertEquals([isNight(4), isNight(5), isNight(19), isNight(20)], [true, false, false, true]);
});

Deno.test("each hour sends world.time to everyone; dusk and the witching hour are announced to players outdoors", async () => {
  await using test = await testGame({ hour: 16 });
  const outside = await test.join("Ann", "arkham.independence_sq");
  const inside = await test.join("Bob", "arkham.velmas_diner");
  outside.events();
  inside.events();
  clockTick(test.game);
  const seenOutside = outside.events();
  const seenInside = inside.events();
  assertEquals(seenInside, [{ type: "world.time", data: { hour: 17, daypart: "dusk" } }]);
  assertEquals(seenOutside[0], { type: "world.time", data: { hour: 17, daypart: "dusk" } });
  assertEquals(seenOutside[1]?.data.code, "world.dusk");
  while (test.game.clock.hour !== 2) clockTick(test.game);
  outside.events();
  clockTick(test.game);
  assertEquals(outside.events().map((event) => event.data.code ?? event.data.daypart), [
    "witching hour",
    "world.witching",
  ]);
});
