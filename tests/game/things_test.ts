/**
 * Containers (open, close, put … in, get … from, examine) and things to drink and eat.
 */

import { assertEquals, assertStringIncludes } from "@std/assert";
import { MAX_DP } from "../../lib/game/world.ts";
import { testGame } from "../support/game.ts";

type Events = { type: string; data: Record<string, unknown> }[];
const codeOf = (events: Events) => events.at(-1)?.data.code;

Deno.test("a lidded container: open, put in, close keeps it shut, get from; each move a checked write", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  await ann.run("get lantern");
  test.game.move(ann.state, "arkham.boarding_house");
  ann.events();
  await ann.run("put lantern in trunk");
  assertEquals(codeOf(ann.events()), "closed");
  await ann.run("open trunk");
  assertEquals(ann.events().at(-1)?.data.text, "You open a battered steamer trunk. It is empty.");
  await ann.run("put lantern in trunk");
  assertEquals(codeOf(ann.events()), "item.put");
  assertEquals(test.game.world.item("lantern")?.placement, { in: "trunk" });
  await ann.run("examine trunk");
  assertStringIncludes(String(ann.events().at(-1)?.data.text), "Inside: a brass lantern.");
  await ann.run("look");
  const room = ann.events().at(-1)?.data.room as { items: string[] };
  assertEquals(room.items, ["a battered steamer trunk"], "what is inside does not lie in the room");
  await ann.run("close trunk");
  await ann.run("get lantern from trunk");
  assertEquals(codeOf(ann.events()), "closed");
  await ann.run("open trunk");
  await ann.run("get lantern from trunk");
  assertEquals(test.game.world.item("lantern")?.placement, { player: ann.state.id });
  const cases: [string, string][] = [
    ["put", "usage"],
    ["put lantern in trunk in trunk", "not_found"],
    ["put trunk in trunk", "not_found"],
    ["put lantern in lantern", "not_container"],
    ["get key from trunk", "not_found"],
    ["get lantern from bed", "not_found"],
    ["open trunk", "already"],
  ];
  for (const [command, code] of cases) {
    await ann.run(command);
    assertEquals(codeOf(ann.events()), code, command);
  }
});

Deno.test("laudanum eases lucidity at a cost in DP, never below 1; sardines restore DP; not everything is food", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "san.infirmary");
  ann.state.lucidity = 40;
  ann.state.dp = 3;
  await ann.run("get laudanum");
  ann.events();
  await ann.run("drink laudanum");
  assertEquals([ann.state.lucidity, ann.state.dp], [70, 1]);
  const stats = ann.events().filter((event) => event.type === "player.stats").at(-1)?.data;
  assertEquals([stats?.lucidity, stats?.dp], [70, 1]);
  test.game.move(ann.state, "inn.fish_market");
  await ann.run("get sardines");
  await ann.run("eat sardines");
  assertEquals(ann.state.dp, 5);
  ann.state.dp = MAX_DP;
  await ann.run("eat sardines");
  assertEquals(ann.state.dp, MAX_DP, "never above the most");
  ann.events();
  await ann.run("eat laudanum");
  assertEquals(codeOf(ann.events()), "not_eatable");
  await ann.run("drink sea");
  assertEquals(codeOf(ann.events()), "not_found");
});

Deno.test("everyone in the room hears what lies there now when something is taken or dropped", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  const bob = await test.join("Bob", "arkham.station");
  const itemsNow = (events: Events) =>
    events.filter((event) => event.type === "room.items").map((event) => event.data.items);
  ann.events();
  bob.events();
  await bob.run("get lantern");
  const left = itemsNow(ann.events());
  assertEquals(left.length, 1);
  assertEquals((left[0] as string[]).includes("a brass lantern"), false);
  assertEquals(itemsNow(bob.events()), left, "the one who took it sees the same");
  await bob.run("drop lantern");
  assertEquals((itemsNow(ann.events())[0] as string[]).includes("a brass lantern"), true);
  await bob.run("inventory");
  assertEquals(itemsNow(ann.events()), [], "nothing moved, nothing said");
});
