import { assert, assertEquals, assertGreaterOrEqual, assertRejects } from "@std/assert";
import { join } from "@std/path/join";
import { loadWorld, WorldError } from "../../lib/game/world_data.ts";
import { realWorld } from "../support/game.ts";
import { tempDir } from "../support/temp_dir.ts";

Deno.test("the Arkham world has 80+ rooms in 6+ zones, every one on the map and reachable, 15+ items, and 6+ NPCs with behaviours", async () => {
  const world = await realWorld();
  assertGreaterOrEqual(world.rooms.size, 80);
  assertGreaterOrEqual(new Set([...world.rooms.values()].map((room) => room.zone)).size, 6);
  const unmapped = [...world.rooms.values()].filter((room) => room.map === undefined);
  assertEquals(unmapped.map((room) => room.id), [], "rooms without map coordinates");
  const reached = new Set([world.start]);
  for (const id of reached) {
    for (const to of world.rooms.get(id)?.exits.values() ?? []) reached.add(to);
  }
  assertEquals(reached.size, world.rooms.size, "every room reachable from the start");
  assertGreaterOrEqual(world.items.size, 15);
  const items = [...world.items.values()];
  assert(items.some((item) => item.portable) && items.some((item) => !item.portable));
  const npcs = [...world.npcs.values()];
  assertGreaterOrEqual(npcs.length, 6);
  assert(npcs.some((npc) => npc.wander > 0), "a wanderer");
  assert(npcs.some((npc) => npc.says.length > 0 && npc.chatter > 0), "a speaker");
  assert(npcs.some((npc) => npc.nocturnal), "a night NPC");
  const flags = new Set([...world.rooms.values()].flatMap((room) => [...room.flags]));
  assertEquals([...flags].sort(), ["dark", "eldritch", "outdoors", "rest"]);
  assertEquals([...world.quests.values()].filter((quest) => quest.main).length, 1, "one story");
  assertGreaterOrEqual(world.quests.size, 3);
  assertEquals(world.start, "arkham.station");
  for (const room of world.rooms.values()) {
    for (const [, to] of room.exits) {
      assert(
        [...(world.rooms.get(to)?.exits.values() ?? [])].includes(room.id),
        `${room.id} ↔ ${to}`,
      );
    }
  }
});

async function worldWith(zone: Record<string, unknown>, manifest: Record<string, unknown> = {}) {
  const dir = await tempDir();
  await Deno.writeTextFile(
    join(dir.path, "world.json"),
    JSON.stringify({ name: "Test", start: "t.a", zones: ["t.json"], ...manifest }),
  );
  await Deno.writeTextFile(
    join(dir.path, "t.json"),
    JSON.stringify({ zone: "t", name: "Test zone", ...zone }),
  );
  return dir;
}

const ROOMS = {
  "t.a": { name: "A", description: "Room A.", exits: { north: "t.b" } },
  "t.b": { name: "B", description: "Room B.", exits: { south: "t.a" } },
};

Deno.test("a bad world file stops loading with the file, the thing and the field named", async () => {
  const cases: [Record<string, unknown>, Record<string, unknown>, string][] = [
    [
      { rooms: { ...ROOMS, "t.b": { ...ROOMS["t.b"], exits: { south: "t.nowhere" } } } },
      {},
      "t.json: room t.b: exits.south leads to unknown room t.nowhere",
    ],
    [
      { rooms: { ...ROOMS, "t.b": { ...ROOMS["t.b"], exits: { sideways: "t.a" } } } },
      {},
      "t.json: room t.b: exits.sideways is not a direction",
    ],
    [
      { rooms: { ...ROOMS, "t.b": { name: "B", exits: {} } } },
      {},
      "t.json: room t.b: description must be non-empty text",
    ],
    [
      { rooms: { ...ROOMS, "t.b": { ...ROOMS["t.b"], flags: ["haunted"] } } },
      {},
      "t.json: room t.b: flags[0] must be one of outdoors, rest, eldritch",
    ],
    [
      { rooms: { ...ROOMS, "t.b": { ...ROOMS["t.b"], colour: "red" } } },
      {},
      "t.json: room t.b: colour is not a known field",
    ],
    [
      {
        rooms: ROOMS,
        items: {
          lamp: { name: "a lamp", keywords: ["lamp"], description: "A lamp.", room: "t.c" },
        },
      },
      {},
      "t.json: item lamp: room t.c does not exist",
    ],
    [
      {
        rooms: ROOMS,
        npcs: {
          ghost: {
            name: "a ghost",
            keywords: ["ghost"],
            description: "Boo.",
            room: "t.a",
            chatter: 0.5,
          },
        },
      },
      {},
      "t.json: npc ghost: chatter needs at least one line",
    ],
    [
      {
        rooms: ROOMS,
        npcs: {
          ghost: {
            name: "a ghost",
            keywords: ["ghost"],
            description: "Boo.",
            room: "t.a",
            wander: 2,
          },
        },
      },
      {},
      "t.json: npc ghost: wander must be a number from 0 to 1",
    ],
    [
      {
        rooms: ROOMS,
        npcs: {
          ghost: {
            name: "a ghost",
            keywords: ["ghost"],
            description: "Boo.",
            room: "t.a",
            topics: { "The Moon!": "It is full." },
          },
        },
      },
      {},
      "t.json: npc ghost: topics.The Moon! must be 2 to 40 lower-case letters",
    ],
    [
      {
        rooms: ROOMS,
        npcs: {
          ghost: {
            name: "a ghost",
            keywords: ["ghost"],
            description: "Boo.",
            room: "t.a",
            topics: { moon: "" },
          },
        },
      },
      {},
      "t.json: npc ghost: topics.moon must be non-empty text",
    ],
    [
      {
        rooms: ROOMS,
        npcs: {
          ghost: {
            name: "a ghost",
            keywords: ["ghost"],
            description: "Boo.",
            room: "t.a",
            greeting: 7,
          },
        },
      },
      {},
      "t.json: npc ghost: greeting must be non-empty text",
    ],
    [
      {
        rooms: {
          ...ROOMS,
          "t.a": {
            ...ROOMS["t.a"],
            doors: { south: { name: "a door", keywords: ["door"], key: "k" } },
          },
        },
      },
      {},
      "t.json: room t.a: doors.south is not on an exit of the room",
    ],
    [
      {
        rooms: {
          ...ROOMS,
          "t.a": {
            ...ROOMS["t.a"],
            doors: { north: { name: "a door", keywords: ["door"], key: "k" } },
          },
        },
      },
      {},
      "t.json: room t.a: doors.north.key names unknown item k",
    ],
    [
      {
        rooms: {
          "t.a": { ...ROOMS["t.a"], map: [0, 0, 0] },
          "t.b": { ...ROOMS["t.b"], map: [0, 0, 0] },
        },
      },
      {},
      "t.json: room t.b: map [0,0,0] is also room t.a's place",
    ],
    [
      {
        rooms: {
          "t.a": { ...ROOMS["t.a"], map: [0, 0, 0] },
          "t.b": { ...ROOMS["t.b"], map: [1, 0, 0] },
        },
      },
      {},
      "t.json: room t.a: exits.north leads to t.b, which the map puts elsewhere",
    ],
    [
      { rooms: { ...ROOMS, "t.a": { ...ROOMS["t.a"], map: [0, 0] } } },
      {},
      "t.json: room t.a: map must be [x, y, level]",
    ],
    [{ rooms: ROOMS }, { start: "t.z" }, "world.json: world: start names unknown room t.z"],
  ];
  for (const [zone, manifest, message] of cases) {
    await using dir = await worldWith(zone, manifest);
    const error = await assertRejects(() => loadWorld(dir.path), WorldError);
    assert(error.message.includes(message), `expected "${message}", got "${error.message}"`);
  }
});

Deno.test("unreadable or malformed world files are named", async () => {
  await using dir = await tempDir();
  await assertRejects(() => loadWorld(dir.path), WorldError, "world.json: cannot be read");
  await Deno.writeTextFile(join(dir.path, "world.json"), "{ nope");
  await assertRejects(() => loadWorld(dir.path), WorldError, "world.json: is not valid JSON");
});

Deno.test("a quest step must name things the world has, and a topic its NPC knows", async () => {
  const npc = {
    name: "a ghost",
    keywords: ["ghost"],
    description: "Boo.",
    room: "t.a",
    topics: { moon: "It is full." },
  };
  const item = { name: "a lamp", keywords: ["lamp"], description: "A lamp.", room: "t.a" };
  const cases: [unknown, string][] = [
    [{ ask: "ghost", about: "sun" }, "steps[0].when.about is not a topic of npc ghost"],
    [{ ask: "nobody", about: "moon" }, "steps[0].when.ask names unknown npc nobody"],
    [{ read: "lamp" }, "steps[0].when.read names item lamp, which has no text to read"],
    [{ give: "lamp", to: "nobody" }, "steps[0].when.to names unknown npc nobody"],
    [{ open: "t.a", direction: "north" }, "steps[0].when.direction is not a door of room t.a"],
    [{ dance: "t.a" }, "steps[0].when must be one of"],
  ];
  for (const [when, message] of cases) {
    await using dir = await worldWith(
      { rooms: ROOMS, npcs: { ghost: npc }, items: { lamp: item } },
      {
        quests: "q.json",
      },
    );
    await Deno.writeTextFile(
      join(dir.path, "q.json"),
      JSON.stringify({ quests: { q: { title: "Q", steps: [{ hint: "h", done: "d", when }] } } }),
    );
    const error = await assertRejects(() => loadWorld(dir.path), WorldError);
    assert(error.message.includes(`q.json: quest q: ${message}`), error.message);
  }
});
