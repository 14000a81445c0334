/**
 * The browser client's map (static/js/map.js): what it remembers, and where it puts things.
 */

import { assertEquals } from "@std/assert";
import { mapLayout, MapMemory, UNIT } from "../../static/js/map_layout.js";

/** A Storage in memory, as the browser's localStorage behaves. */
class MemoryStorage {
  #items = new Map<string, string>();
  get length(): number {
    return this.#items.size;
  }
  clear(): void {
    this.#items.clear();
  }
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.#items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.#items.set(key, value);
  }
}

const depot = {
  id: "depot",
  name: "Boston & Maine Depot",
  map: { x: 0, y: 0, level: 0 },
  exits: [{ direction: "north", to: "garrison" }, { direction: "east", to: "yard" }],
};
const garrison = {
  id: "garrison",
  name: "Garrison Street",
  map: { x: 0, y: 1, level: 0 },
  exits: [{ direction: "south", to: "depot" }, { direction: "up", to: "roof" }],
};

Deno.test("the map remembers the rooms looked at, per character, across a reload", () => {
  const storage = new MemoryStorage();
  const ann = new MapMemory("Ann", storage);
  assertEquals(ann.remember(depot), true);
  assertEquals(ann.remember(depot), false, "nothing new");
  assertEquals(ann.remember({ ...garrison, map: undefined }), false, "no place on the map");
  ann.remember(garrison);
  assertEquals([...new MapMemory("ann", storage).rooms.keys()], ["depot", "garrison"]);
  assertEquals(new MapMemory("Bob", storage).rooms.size, 0);
  storage.setItem("mythos.map.cat", "{not json");
  assertEquals(new MapMemory("Cat", storage).rooms.size, 0, "a damaged map starts again");
});

Deno.test("the layout centres the player's room, joins seen rooms once, and marks the ways to walk", () => {
  const memory = new MapMemory("Ann", undefined);
  memory.remember(depot);
  memory.remember(garrison);
  const layout = mapLayout(memory.rooms, "garrison");
  assertEquals(layout?.rooms, [
    { id: "depot", name: "Boston & Maine Depot", cx: 0, cy: UNIT, here: false, walk: "south" },
    { id: "garrison", name: "Garrison Street", cx: 0, cy: 0, here: true },
  ]);
  assertEquals(layout?.links, [{ x1: 0, y1: UNIT, x2: 0, y2: 0 }], "one line for the two exits");
  assertEquals(layout?.stubs, [{ x1: 0, y1: UNIT, x2: UNIT / 2, y2: UNIT }], "the yard, unseen");
  assertEquals(layout?.vertical, ["up"]);
  const fromDepot = mapLayout(memory.rooms, "depot");
  assertEquals(fromDepot?.stubs, [{ x1: 0, y1: 0, x2: UNIT / 2, y2: 0, walk: "east" }]);
  assertEquals(mapLayout(memory.rooms, "nowhere"), undefined);
  const withParty = mapLayout(memory.rooms, "depot", [
    { name: "Bob", room: "garrison" },
    { name: "Cat", room: "yard" },
  ]);
  assertEquals(withParty?.party, [{ name: "Bob", cx: 0, cy: -UNIT }], "only rooms on the map");
});
