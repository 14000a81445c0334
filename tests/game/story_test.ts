/**
 * The main story played by two investigators in a party, through the game's commands: asking
 * NPCs, reading in the dark while the other holds the light, taking a guarded key while the other
 * distracts its guard, opening a locked door, and giving the Elder Sign to the professor.
 */

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { questInHand } from "../../lib/game/quests.ts";
import { DARKNESS } from "../../lib/game/world.ts";
import { testGame } from "../support/game.ts";

type Events = { type: string; data: Record<string, unknown> }[];

const codeOf = (events: Events) => events.at(-1)?.data.code;
const updates = (events: Events) => events.filter((event) => event.type === "quest.update");

Deno.test("two investigators finish the story together, each step shared by the party", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.garrison_st");
  const bob = await test.join("Bob", "arkham.station");
  await ann.run("party invite bob");
  await bob.run("party accept");
  ann.events();
  bob.events();
  await ann.run("journal");
  assertStringIncludes(String(ann.events().at(-1)?.data.text), "ask newsboy about professor");

  // 1–2: asking around. Bob, elsewhere, learns it too.
  await ann.run("ask newsboy about professor");
  assertEquals(updates(ann.events()).map((event) => event.data.done), [1]);
  const told = updates(bob.events())[0]?.data;
  assertEquals([told?.by, told?.done, told?.quest], ["Ann", 1, "vanished_professor"]);
  test.game.move(ann.state, "mu.library");
  await ann.run("ask armitage about professor");
  assertEquals(updates(ann.events()).at(-1)?.data.done, 2);

  // 3: the notebook in the dark stacks: the light must be in someone else's hands.
  await bob.run("get lantern");
  await bob.run("light lantern");
  test.game.move(ann.state, "mu.stacks");
  ann.events();
  await ann.run("read notebook");
  assertEquals(codeOf(ann.events()), "not_found", "nothing to be seen in the dark");
  await ann.run("look");
  const dark = ann.events().at(-1)?.data.room as { description: string; items: string[] };
  assertEquals([dark.description, dark.items], [DARKNESS, []], "the dark shows nothing");
  test.game.move(bob.state, "mu.stacks");
  ann.events();
  await ann.run("read notebook");
  const read = ann.events();
  assertStringIncludes(
    String(read.find((event) => event.data.code === "read")?.data.text),
    "Elder Sign",
  );
  assertEquals(updates(read).at(-1)?.data.done, 3);
  bob.events();
  await bob.run("read notebook");
  assertEquals(codeOf(bob.events()), "dark", "the one holding the light cannot read too");

  // 4: the Elder Sign.
  test.game.move(ann.state, "mu.vault");
  await ann.run("get amulet");
  assertEquals(updates(ann.events()).at(-1)?.data.done, 4);

  // 5: the guarded key.
  test.game.move(ann.state, "inn.order_hall");
  test.game.move(bob.state, "inn.order_hall");
  ann.events();
  bob.events();
  await ann.run("get key");
  assertEquals(codeOf(ann.events()), "guarded");
  await bob.run("distract acolyte");
  await bob.run("get key");
  assertEquals(codeOf(bob.events()), "guarded", "the distracter is watched too closely");
  await ann.run("get key");
  assertEquals(updates(ann.events()).at(-1)?.data.done, 5);

  // 6: the locked trapdoor.
  await bob.run("down");
  assertEquals(codeOf(bob.events()), "locked");
  await bob.run("open trapdoor");
  assertEquals(codeOf(bob.events()), "locked", "Bob has no key");
  await ann.run("open trapdoor");
  assertEquals(updates(ann.events()).at(-1)?.data.done, 6);

  // 7: the professor, in the dark crypt: Bob's lantern lets Ann find him.
  await ann.run("down");
  ann.events();
  await ann.run("give amulet to professor");
  assertEquals(codeOf(ann.events()), "dark");
  await bob.run("down");
  ann.events();
  await ann.run("give amulet to cat");
  assertEquals(codeOf(ann.events()), "not_found");
  await ann.run("give amulet to professor");
  const end = updates(ann.events()).at(-1)?.data;
  assertEquals([end?.done, end?.complete], [7, true]);
  assertEquals(updates(bob.events()).at(-1)?.data.complete, true);
  assertEquals(test.game.world.item("elder_sign")?.placement, { npc: "professor" });
  await bob.run("journal");
  assertStringIncludes(String(bob.events().at(-1)?.data.text), "The Vanished Professor (complete)");
  assertEquals(test.game.world.record(bob.state, undefined).quests, { vanished_professor: 7 });
});

Deno.test("quest steps are done in order, NPCs take only what a story gives them, and side quests begin when first touched", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "mu.library");
  ann.events();
  await ann.run("ask armitage about professor");
  assertEquals(updates(ann.events()), [], "the newsboy comes first");
  test.game.move(ann.state, "inn.gilman_house");
  await ann.run("get flask");
  const begun = updates(ann.events());
  assertEquals(begun.map((event) => [event.data.quest, event.data.done]), [["zadoks_thirst", 1]]);
  test.game.move(ann.state, "inn.waterfront");
  await ann.run("give flask to zadok");
  assertEquals(updates(ann.events()).at(-1)?.data.complete, true);
  test.game.move(ann.state, "arkham.station");
  await ann.run("get timetable");
  test.game.move(ann.state, "inn.waterfront");
  ann.events();
  await ann.run("give timetable to zadok");
  assertEquals(codeOf(ann.events()), "unwanted");
  await ann.run("journal");
  const journal = String(ann.events().at(-1)?.data.text);
  assert(journal.startsWith("The Vanished Professor"), "the main story first");
  assertStringIncludes(journal, "Old Zadok's Thirst (complete)");
  assert(!journal.includes("Patient 31"), "a side quest not begun is not listed");
});

Deno.test("lights, doors and giving refuse bad input clearly and change nothing", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  const bob = await test.join("Bob", "arkham.station");
  ann.events();
  const cases: [string, string][] = [
    ["light lantern", "not_found"],
    ["light", "missing_target"],
    ["open", "missing_target"],
    ["open window", "not_found"],
    ["give", "usage"],
    ["give lantern to bob", "not_found"],
    ["read timetable", "unreadable"],
    ["distract conductor", "not_guarding"],
    ["use timetable", "no_use"],
  ];
  for (const [command, code] of cases) {
    await ann.run(command);
    assertEquals(codeOf(ann.events()), code, command);
  }
  await ann.run("get timetable");
  await ann.run("light timetable");
  assertEquals(codeOf(ann.events()), "no_light");
  await ann.run("give timetable to ann");
  assertEquals(codeOf(ann.events()), "self");
  bob.events();
  test.game.move(bob.state, "arkham.garrison_st");
  ann.events();
  await ann.run("give timetable to bob");
  assertEquals(codeOf(ann.events()), "not_found", "Bob has left the room");
  assertEquals(test.game.world.item("timetable")?.placement, { player: ann.state.id });
  test.game.move(bob.state, "arkham.station");
  await ann.run("give timetable to bob");
  assertEquals(test.game.world.item("timetable")?.placement, { player: bob.state.id });
  assertEquals(
    codeOf(bob.events().filter((event) => event.type === "system.notice")),
    "item.received",
  );
});

Deno.test("the status panel's quest is the unfinished main story, else a side quest under way, else the finished story", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  const main = [...test.game.world.quests()][0];
  if (!main?.main) throw new Error("the world's first quest is its main story");
  assertEquals(questInHand(test.game.world.quests(), ann.state), {
    title: main.title,
    done: 0,
    steps: main.steps.length,
    complete: false,
    next: main.steps[0]?.hint,
  });
  ann.state.quests.set(main.id, main.steps.length);
  ann.state.quests.set("zadoks_thirst", 1);
  const side = questInHand(test.game.world.quests(), ann.state);
  assertEquals([side?.title, side?.done, side?.complete], [
    [...test.game.world.quests()].find((quest) => quest.id === "zadoks_thirst")?.title,
    1,
    false,
  ]);
  ann.state.quests.delete("zadoks_thirst");
  const finished = questInHand(test.game.world.quests(), ann.state);
  assertEquals([finished?.title, finished?.complete, finished?.next], [
    main.title,
    true,
    undefined,
  ]);
});
