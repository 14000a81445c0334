/**
 * Talking with NPCs: talk, ask … about, and NPCs answering when spoken to by name.
 */

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { npcTick } from "../../lib/game/npcs.ts";
import { npcById, sequence, testGame } from "../support/game.ts";

const CONDUCTOR = "the station conductor";

Deno.test("talk gets an NPC's greeting, heard by the whole room, and tells the speaker what to ask about", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  const bob = await test.join("Bob", "arkham.station");
  ann.events();
  bob.events();
  await ann.run("talk to conductor");
  const greeting = npcById(test.game, "conductor").def.greeting;
  const said = (events: ReturnType<typeof ann.events>) =>
    events.filter((event) => event.type === "room.say" && event.data.from === CONDUCTOR);
  const annSaw = ann.events();
  assertEquals(said(annSaw).map((event) => event.data.text), [greeting]);
  assertEquals(said(annSaw)[0]?.data.npc, true);
  const hint = annSaw.find((event) => event.data.code === "npc_topics");
  assertEquals(hint?.data.text, "You could ask conductor about innsmouth, professor or trains.");
  const bobSaw = bob.events();
  assertEquals(said(bobSaw).map((event) => event.data.text), [greeting], "Bob hears it too");
  assert(!bobSaw.some((event) => event.data.code === "npc_topics"), "the hint is Ann's alone");
});

Deno.test("ask <npc> about <topic> answers from the world files; a topic it does not know says so and lists what it knows", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  ann.events();
  const topics = npcById(test.game, "conductor").def.topics;
  for (
    const question of [
      "ask conductor about professor",
      "ask conductor professors",
      "ask con PROFESSOR?",
    ]
  ) {
    await ann.run(question);
    const answer = ann.events().find((event) => event.type === "room.say");
    assertEquals(answer?.data.text, topics.get("professor"), question);
  }
  await ann.run("ask conductor about the weather");
  const unknown = ann.events();
  assert(!unknown.some((event) => event.type === "room.say"));
  assertEquals(unknown[0]?.data.code, "npc_unknown_topic");
  assertStringIncludes(String(unknown[0]?.data.text), "The station conductor has nothing to say");
  assertStringIncludes(String(unknown[0]?.data.text), "innsmouth, professor or trains");
});

Deno.test("talk and ask refuse clearly: nobody named, an investigator, a silent creature, missing words", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  await test.join("Bob", "arkham.station");
  ann.events();
  const cases: [string, string, string][] = [
    ["talk", "usage", "Talk to whom?"],
    ["talk armitage", "not_found", `There is no one called "armitage" here`],
    ["talk bob", "not_found", "use say or whisper"],
    ["ask conductor", "usage", "Ask whom about what?"],
    ["ask zadok about professor", "not_found", `no one called "zadok"`],
  ];
  for (const [command, code, text] of cases) {
    await ann.run(command);
    const [error, ...rest] = ann.events();
    assertEquals([error?.type, error?.data.code], ["system.error", code], command);
    assertStringIncludes(String(error?.data.text), text);
    assertEquals(rest, [], `${command} changed nothing else`);
  }
  const cat = npcById(test.game, "black_cat");
  const carol = await test.join("Carol", cat.room);
  carol.events();
  await carol.run("talk cat");
  assertEquals(carol.events().map((event) => event.data.text), [
    "A black cat pays you no attention.",
  ]);
});

Deno.test("an NPC answers a player who says its name in its room, about a topic the words mention", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  ann.events();
  const conductor = npcById(test.game, "conductor");
  await ann.run("say Conductor, have you seen the professor?");
  const answers = ann.events().filter((event) => event.data.from === CONDUCTOR);
  assertEquals(answers.map((event) => event.data.text), [conductor.def.topics.get("professor")]);
  await ann.run("say Good evening, conductor.");
  assertEquals(
    ann.events().filter((event) => event.data.from === CONDUCTOR).map((event) => event.data.text),
    [conductor.def.greeting],
  );
  await ann.run("say what a grim little station");
  assertEquals(ann.events().filter((event) => event.data.from === CONDUCTOR), [], "not named");
});

Deno.test("an NPC never says the same line twice in a row", async () => {
  // random 0 would pick the first line every time.
  await using test = await testGame({ random: sequence(0) });
  const ann = await test.join("Ann", "arkham.station");
  ann.events();
  const lines: unknown[] = [];
  for (let tick = 0; tick < 12; tick++) {
    npcTick(test.game);
    for (const event of ann.events()) {
      if (event.data.from === CONDUCTOR) lines.push(event.data.text);
    }
  }
  assert(lines.length >= 6);
  for (let i = 1; i < lines.length; i++) assert(lines[i] !== lines[i - 1], `line ${i} repeats`);
});

Deno.test("verbs from other MUDs answer what to do instead of a random near miss", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  ann.events();
  const cases: [string, string][] = [
    ["wield lantern", "examine <thing>"],
    ["quest", "journal"],
    ["lok", "Did you mean look?"],
    ["xyzzy", "Type help"],
  ];
  for (const [command, text] of cases) {
    await ann.run(command);
    const [error] = ann.events();
    assertEquals(error?.data.code, "unknown_command", command);
    assertStringIncludes(String(error?.data.text), text, command);
  }
});
