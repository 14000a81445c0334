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
/** A batch's linkdead news when nobody fell silent or stirred. */
const quiet = { silent: [], moreSilent: 0, stirred: [], moreStirred: 0 };
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
    ...quiet,
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
    ...quiet,
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

Deno.test("in a crowded room players falling silent and stirring again are told in the batch, not one by one", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  const others = [];
  for (let n = 0; n < CROWDED + 20; n++) others.push(await test.join(letters(n), "arkham.station"));
  test.game.flushCrowds();
  ann.events();
  const inRoom = CROWDED + 21;
  const batch = (data: Record<string, unknown>) => ({
    arrived: [],
    moreArrived: 0,
    left: [],
    moreLeft: 0,
    ...quiet,
    present: inRoom,
    ...data,
  });

  const now = Date.now();
  const dropped = others.slice(0, 15).map((player) => present(player, "a crowded player").state);
  const names = dropped.map((player) => player.name);
  const [back, gone] = dropped;
  const lastToDrop = dropped.at(-1);
  if (back === undefined || gone === undefined || lastToDrop === undefined) {
    throw new Error("no crowd");
  }
  for (const player of dropped) test.game.linkdead(player, now);
  test.game.returned(lastToDrop); // back within the batch: nothing to tell of them
  assertEquals(ofType(ann.events(), "system.notice"), [], "no notices one by one");
  test.game.flushCrowds();
  assertEquals(ofType(ann.events(), "room.crowd").map((event) => event.data), [
    batch({ silent: names.slice(0, BATCH_NAMES), moreSilent: 14 - BATCH_NAMES }),
  ]);

  // Back, silent again and back within one batch: told once that they stirred.
  test.game.returned(back);
  test.game.linkdead(back, now);
  test.game.returned(back);
  // Silent and then gone: those still there hear only that they left.
  await test.game.leave(gone.id, "quit");
  test.game.flushCrowds();
  assertEquals(ofType(ann.events(), "room.crowd").map((event) => event.data), [
    batch({ stirred: [names[0]], left: [names[1]], present: inRoom - 1 }),
  ]);
});

Deno.test("a player who fell silent in a crowded room and is back after it thinned is not told as silent after the fact", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  const others = [];
  for (let n = 0; n < CROWDED; n++) others.push(await test.join(letters(n), "arkham.station"));
  test.game.flushCrowds();
  ann.events();
  const [dropping, going] = others.map((player) => present(player, "a crowded player").state);
  if (dropping === undefined || going === undefined) throw new Error("no crowd");
  test.game.linkdead(dropping, Date.now()); // crowded: waits for the batch
  test.game.move(going, "arkham.garrison_st"); // no longer crowded
  test.game.returned(dropping); // back before the batch went: nothing to tell
  test.game.flushCrowds();
  const told = ann.events().flatMap((event) =>
    event.type === "system.notice"
      ? [event.data.code]
      : event.type === "room.crowd"
      ? [`crowd silent=${event.data.silent} stirred=${event.data.stirred}`]
      : []
  );
  assertEquals(told, [`crowd silent= stirred=`]);
});
