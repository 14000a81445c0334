/**
 * The event vocabulary is one table: the server's, which the browser client follows.
 */

import { assert, assertEquals } from "@std/assert";
import { EVENT_TYPES, isEventType } from "../../lib/bus/events.ts";
import { EVENT_TYPES as CLIENT_EVENT_TYPES } from "../../static/js/connection.js";
import { linesFor, NOT_LOGGED } from "../../static/js/render.js";

Deno.test("the browser client listens for exactly the server's event types", () => {
  assertEquals([...CLIENT_EVENT_TYPES].sort(), [...EVENT_TYPES].sort());
});

Deno.test("the browser client shows every event type: a line in the log, or the panel for the few it names", () => {
  // One sample with every field any event carries.
  const data = {
    room: { name: "Room", description: "A room.", exits: [], items: [], npcs: [], players: [] },
    from: "Ann",
    to: "Bob",
    who: "Cat",
    text: "hello",
    reason: "Because",
    retryMs: 1000,
    hour: 3,
    daypart: "night",
    lucidity: 50,
    player: "Ann",
    resumed: false,
    arrived: ["Bob"],
    moreArrived: 3,
    left: [],
    moreLeft: 0,
    present: 45,
  };
  for (const type of EVENT_TYPES) {
    const lines = linesFor(type, data, "Ann");
    if (NOT_LOGGED.includes(type)) continue;
    assert(lines.length > 0, `${type} adds no line to the log and is not listed in NOT_LOGGED`);
  }
  for (const type of NOT_LOGGED) assert(isEventType(type), `${type} is not an event type`);
});

Deno.test("a crowded room's batch reads as one line each way, the player's own name left out", () => {
  const text = (data: Record<string, unknown>) =>
    linesFor("room.crowd", data, "Ann").map((line) => line.text);
  assertEquals(
    text({
      arrived: ["Ann", "Bob", "Cat"],
      moreArrived: 12,
      left: ["Dan"],
      moreLeft: 0,
      present: 60,
    }),
    [
      "Bob, Cat and 12 others arrive.",
      "Dan leaves.",
    ],
  );
  assertEquals(text({ arrived: ["Ann"], moreArrived: 0, left: [], moreLeft: 1, present: 41 }), [
    "1 other leaves.",
  ]);
  assertEquals(
    text({
      arrived: [],
      moreArrived: 0,
      left: [],
      moreLeft: 0,
      silent: ["Bob", "Cat"],
      moreSilent: 98,
      stirred: ["Dan"],
      moreStirred: 0,
      present: 160,
    }),
    [
      "Bob, Cat and 98 others fall silent and still, gaze fixed on nothing.",
      "Dan blinks and stirs again.",
    ],
  );
});

Deno.test("lines start with a capital, and arrivals from up or down come from above or below", () => {
  const text = (type: string, data: Record<string, unknown>) =>
    linesFor(type, data, "Ann").map((line) => line.text);
  assertEquals(text("room.say", { from: "the station conductor", text: "Tickets." }), [
    `The station conductor says, "Tickets."`,
  ]);
  assertEquals(text("room.emote", { from: "a black cat", text: "yawns." }), ["A black cat yawns."]);
  assertEquals(text("room.enter", { who: "a black cat", from: "down" }), [
    "A black cat arrives from below.",
  ]);
  assertEquals(text("room.enter", { who: "Bob", from: "up" }), ["Bob arrives from above."]);
  assertEquals(text("room.enter", { who: "Bob", from: "north" }), ["Bob arrives from the north."]);
  assertEquals(text("room.leave", { who: "a ragged newsboy", to: "down" }), [
    "A ragged newsboy goes down.",
  ]);
  assertEquals(text("room.say", { from: "Ann", text: "hi" }), [`You say, "hi"`]);
});
