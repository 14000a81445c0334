/**
 * Text that reads right: the hour, who is abroad, help by kind, eerie places, and the welcome a
 * new character gets.
 */

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { spokenTime } from "../../lib/game/clock.ts";
import { testGame } from "../support/game.ts";

Deno.test("the hour is said as a person would say it", () => {
  assertEquals(spokenTime(8), "It is 8 o'clock in the morning.");
  assertEquals(spokenTime(0), "It is midnight.");
  assertEquals(spokenTime(12), "It is noon.");
  assertEquals(spokenTime(15), "It is 3 o'clock in the afternoon.");
  assertEquals(spokenTime(18), "It is 6 o'clock in the evening.");
  assertEquals(spokenTime(22), "It is 10 o'clock at night.");
  assertEquals(spokenTime(3), "It is 3 o'clock in the morning — the witching hour.");
});

Deno.test("who and time follow the time of day", async () => {
  await using test = await testGame({ hour: 9 });
  const ann = await test.join("Ann");
  ann.events();
  await ann.run("who");
  assertEquals(ann.events()[0]?.data.text, "One investigator is abroad this morning: Ann.");
  await ann.run("time");
  assertEquals(
    ann.events().find((event) => event.data.code === "time")?.data.text,
    "It is 9 o'clock in the morning.",
  );
  await using night = await testGame({ hour: 23 });
  const bob = await night.join("Bob");
  bob.events();
  await bob.run("who");
  assertEquals(bob.events()[0]?.data.text, "One investigator is abroad tonight: Bob.");
});

Deno.test("help lists commands by kind, one line each, with their short forms", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann");
  ann.events();
  await ann.run("help");
  const help = ann.events()[0]?.data;
  const lines = String(help?.text).split("\n");
  assert(lines.length <= 10, `a screenful: ${lines.length} lines`);
  assertStringIncludes(String(help?.text), "Moving: go, north (n), south (s)");
  assertStringIncludes(String(help?.text), "Talking: say ('), emote (:, me), whisper");
  assertStringIncludes(String(help?.text), "Looking around: look (l), examine (x)");
  const groups = help?.groups as { title: string; commands: { name: string }[] }[];
  assertEquals(groups.map((group) => group.title), [
    "Looking around",
    "Moving",
    "Talking",
    "Things",
    "Together",
    "Danger",
    "Yourself",
  ], "no admin commands for a player");
});

Deno.test("entering an eerie place says so, once, on the way in", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.church_st");
  const eerie = () => ann.events().filter((event) => event.data.code === "room.eerie");
  ann.events();
  await ann.run("north");
  assertEquals(eerie().map((event) => event.data.text), ["A chill settles on your thoughts."]);
  await ann.run("south");
  assertEquals(eerie(), [], "leaving it is not eerie");
});

Deno.test("a new character's stream opens with a welcome and a first goal, until it has typed a command", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann");
  const welcome = () =>
    test.game.snapshot(ann.state.id).map((frame) => new TextDecoder().decode(frame.bytes))
      .filter((text) => text.includes('"code":"welcome"'));
  assertEquals(welcome().length, 1);
  assertStringIncludes(welcome()[0] as string, "help");
  assertStringIncludes(welcome()[0] as string, "ask newsboy about professor");
  await ann.run("look");
  assertEquals(welcome(), [], "not shown again once the character has played");
});
