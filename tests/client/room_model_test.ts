/**
 * The browser client's live room (static/js/room_model.js): the "Here" panel follows the events
 * between looks.
 */

import { assertEquals } from "@std/assert";
import { presentIn, roomAfter } from "../../static/js/room_model.js";

const depot = {
  id: "arkham.station",
  name: "Boston & Maine Depot",
  exits: [{ direction: "north", to: "arkham.garrison_st" }],
  players: [{ name: "Bob", linkdead: false }],
  npcs: ["the station conductor"],
  items: ["a brass lantern"],
};

Deno.test("arrivals, departures, things moved and players falling silent change the room; nothing else does", () => {
  let room = roomAfter(depot, "room.enter", { who: "Cat", from: "north" }, "Ann");
  room = roomAfter(room, "room.enter", { who: "a black cat", npc: true }, "Ann");
  room = roomAfter(room, "room.items", { items: [] }, "Ann");
  room = roomAfter(
    room,
    "system.notice",
    { code: "player.linkdead", who: "Bob", text: "…" },
    "Ann",
  );
  assertEquals(presentIn(room).map((entry) => entry.text), [
    "Bob (lost in thought)",
    "Cat",
    "the station conductor",
    "a black cat",
  ]);
  room = roomAfter(
    room,
    "system.notice",
    { code: "player.returned", who: "Bob", text: "…" },
    "Ann",
  );
  room = roomAfter(room, "room.leave", { who: "Cat", to: "north" }, "Ann");
  room = roomAfter(room, "room.leave", { who: "the station conductor", npc: true }, "Ann");
  room = roomAfter(room, "room.items", { items: ["a railway timetable"] }, "Ann");
  assertEquals(presentIn(room), [
    { text: "Bob", kind: "player", linkdead: false },
    { text: "a black cat", kind: "npc", linkdead: false },
    { text: "a railway timetable", kind: "item", linkdead: false },
  ]);
  for (
    const [type, data] of [
      ["room.say", { from: "Bob", text: "hi" }],
      ["room.enter", { who: "Ann" }],
      ["room.enter", { who: "Bob" }],
      ["system.notice", { text: "You take it.", code: "item.taken" }],
    ] as const
  ) {
    const before = roomAfter(depot, "room.look", { room: depot }, "Ann");
    const after = roomAfter(before, type, data, "Ann");
    assertEquals(presentIn(after), presentIn(depot), type);
  }
});

Deno.test("a look replaces the room, and one of two creatures of a name leaving leaves the other", () => {
  const twins = { ...depot, npcs: ["a rat", "a rat"] };
  const one = roomAfter(twins, "room.leave", { who: "a rat", npc: true }, "Ann");
  assertEquals(one.npcs, ["a rat"]);
  const elsewhere = { ...depot, id: "arkham.garrison_st", name: "Garrison Street", npcs: [] };
  assertEquals(roomAfter(one, "room.look", { room: elsewhere }, "Ann"), elsewhere);
});

Deno.test("a crowded room's batch marks those it names as fallen silent or stirring again", () => {
  const crowd = (data: Record<string, unknown>) => ({
    arrived: [],
    moreArrived: 0,
    left: [],
    moreLeft: 0,
    silent: [],
    moreSilent: 0,
    stirred: [],
    moreStirred: 0,
    present: 3,
    ...data,
  });
  let room = roomAfter(depot, "room.crowd", crowd({ arrived: ["Cat"], silent: ["Bob"] }), "Ann");
  assertEquals(presentIn(room).map((entry) => entry.text).slice(0, 2), [
    "Bob (lost in thought)",
    "Cat",
  ]);
  room = roomAfter(room, "room.crowd", crowd({ stirred: ["Bob"], silent: ["Cat"] }), "Ann");
  assertEquals(presentIn(room).map((entry) => entry.text).slice(0, 2), [
    "Bob",
    "Cat (lost in thought)",
  ]);
  // A batch from before linkdead news was gathered has no such fields: nothing marked.
  const { silent: _s, moreSilent: _ms, stirred: _t, moreStirred: _mt, ...old } = crowd({});
  assertEquals(roomAfter(room, "room.crowd", old, "Ann").players, room.players);
});
