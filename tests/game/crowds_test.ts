/**
 * Crowded rooms: a look names a bounded number of players, and past CROWDED players arrivals and
 * departures are announced in batches (lib/game/crowds.ts).
 */

import { assertEquals } from "@std/assert";
import { BATCH_NAMES, CROWDED, LOOK_NAMES } from "../../lib/game/crowds.ts";
import { testGame } from "../support/game.ts";
import { present } from "../support/present.ts";

type Events = { type: string; data: Record<string, unknown> }[];
const ofType = (events: Events, type: string) => events.filter((event) => event.type === type);
const letters = (n: number) =>
  `P${String.fromCharCode(97 + Math.floor(n / 26) % 26)}${String.fromCharCode(97 + n % 26)}x`;

Deno.test("past CROWDED players a room hears arrivals and departures in one batch per flush, and a look names a bounded few", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  const others = [];
  for (let n = 0; n < 59; n++) others.push(await test.join(letters(n), "arkham.station"));
  const heard = ann.events();
  assertEquals(ofType(heard, "room.enter").length, CROWDED - 1, "one by one until crowded");
  assertEquals(ofType(heard, "room.crowd"), [], "the rest wait for the flush");

  test.game.flushCrowds();
  const [batch, ...more] = ofType(ann.events(), "room.crowd");
  assertEquals(more, []);
  const late = others.slice(CROWDED - 1).map((player) => player.state.name);
  assertEquals(batch?.data, {
    arrived: late.slice(0, BATCH_NAMES),
    moreArrived: late.length - BATCH_NAMES,
    left: [],
    moreLeft: 0,
    present: 60,
  });
  test.game.flushCrowds();
  assertEquals(ofType(ann.events(), "room.crowd"), [], "nothing new, nothing said");

  await ann.run("look");
  const room = ann.events().at(-1)?.data.room as { players: unknown[]; morePlayers: number };
  assertEquals([room.players.length, room.morePlayers], [LOOK_NAMES, 59 - LOOK_NAMES]);

  // One leaves, one comes and goes again within the batch: only the one who left is told.
  const first = present(others[0], "the first to crowd in");
  await test.game.leave(first.state.id, "quit");
  const passing = await test.join("Passer", "arkham.station");
  test.game.move(passing.state, "arkham.garrison_st");
  assertEquals(ofType(ann.events(), "room.leave"), [], "a crowded room's departures wait too");
  test.game.flushCrowds();
  assertEquals(ofType(ann.events(), "room.crowd").map((event) => event.data), [{
    arrived: [],
    moreArrived: 0,
    left: [first.state.name],
    moreLeft: 0,
    present: 59,
  }]);
});

Deno.test("a room that is not crowded still hears each arrival and departure at once", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  const bob = await test.join("Bob", "arkham.station");
  assertEquals(ofType(ann.events(), "room.enter").map((event) => event.data), [{ who: "Bob" }]);
  test.game.move(bob.state, "arkham.garrison_st");
  assertEquals(ofType(ann.events(), "room.leave").map((event) => event.data), [
    { who: "Bob", to: "north" },
  ]);
  test.game.flushCrowds();
  assertEquals(ofType(ann.events(), "room.crowd"), []);
});
