/**
 * Playing through the real dispatcher over real HTTP, with several players.
 */

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { playersInWorld, TestPlayer } from "../support/player.ts";
import { waitFor } from "../support/wait.ts";
import { present } from "../support/present.ts";
import { startTestServer } from "../support/server.ts";

const QUIET_WORLD = {
  // No NPC chatter or clock ticks interleaving with what the tests read.
  MYTHOS_NPC_TICK_MS: "3600000",
  MYTHOS_CLOCK_MS_PER_HOUR: "3600000",
  MYTHOS_LUCIDITY_TICK_MS: "3600000",
};

async function twoPlayers(url: URL) {
  const [ann, bob] = await playersInWorld(url, "Ann", "Bob");
  return { ann: present(ann, "Ann"), bob: present(bob, "Bob") };
}

Deno.test("a new stream starts with hello, a new character's welcome, the room, the player's stats and the time", async () => {
  await using test = await startTestServer({ env: QUIET_WORLD });
  await using ann = await TestPlayer.register(test.url, "Ann");
  const stream = await ann.connect();
  const events = [];
  for (let i = 0; i < 5; i++) events.push(await stream.next());
  assertEquals(events.map((frame) => frame?.event), [
    "stream.hello",
    "system.notice",
    "room.look",
    "player.stats",
    "world.time",
  ]);
  assertEquals(JSON.parse(events[1]?.data ?? "").code, "welcome");
  events.splice(1, 1);
  const look = JSON.parse(events[1]?.data ?? "");
  assertEquals(look.room.id, "arkham.station");
  assertEquals(look.room.name, "Boston & Maine Depot");
  assertEquals(look.room.exits, [
    { direction: "north", to: "arkham.garrison_st" },
    { direction: "east", to: "king.road" },
    { direction: "west", to: "arkham.historical_society" },
  ]);
  assertEquals(look.room.map, { x: 0, y: 0, level: 0 });
  assertEquals(look.room.items, ["a brass lantern", "a railway timetable"]);
  assertEquals(look.room.npcs, ["the station conductor"]);
  assertEquals(look.room.players, []);
  assertEquals(JSON.parse(events[2]?.data ?? "").lucidity, 100);
  assertEquals(Object.keys(JSON.parse(events[3]?.data ?? "")), ["hour", "daypart"]);
});

Deno.test("two players in a room see each other's say and emote, and look shows both", async () => {
  await using test = await startTestServer({ env: QUIET_WORLD });
  const { ann, bob } = await twoPlayers(test.url);
  await using _a = ann;
  await using _b = bob;
  await ann.do("say Have you seen the professor?");
  assertEquals(await bob.expect("room.say"), { from: "Ann", text: "Have you seen the professor?" });
  assertEquals(await ann.expect("room.say"), { from: "Ann", text: "Have you seen the professor?" });
  await bob.do("'Not since Tuesday.");
  assertEquals((await ann.expect("room.say")).text, "Not since Tuesday.");
  await bob.do(":shivers.");
  assertEquals(await ann.expect("room.emote"), { from: "Bob", text: "shivers." });
  await ann.do("look");
  const look = await ann.expect("room.look");
  assertEquals((look.room as { players: unknown[] }).players, [{ name: "Bob", linkdead: false }]);
});

Deno.test("moving shows leave and enter with directions in both rooms", async () => {
  await using test = await startTestServer({ env: QUIET_WORLD });
  const { ann, bob } = await twoPlayers(test.url);
  await using _a = ann;
  await using _b = bob;
  await ann.do("north");
  assertEquals(await bob.expect("room.leave"), { who: "Ann", to: "north" });
  const arrived = await ann.expect("room.look");
  assertEquals((arrived.room as { id: string }).id, "arkham.garrison_st");
  await bob.do("go n");
  assertEquals(await ann.expect("room.enter"), { who: "Bob", from: "south" });
  await bob.do("e");
  assertEquals(await ann.expect("room.leave"), { who: "Bob", to: "east" });
  await bob.do("west");
  assertEquals(await ann.expect("room.enter"), { who: "Bob", from: "east" });
  await ann.do("up");
  assertEquals((await ann.expect("system.error")).code, "no_exit");
});

Deno.test("whisper reaches one player anywhere, and reply answers the last whisperer", async () => {
  await using test = await startTestServer({ env: QUIET_WORLD });
  const { ann, bob } = await twoPlayers(test.url);
  await using _a = ann;
  await using _b = bob;
  await using cat = await TestPlayer.register(test.url, "Cat");
  await cat.connect();
  await cat.expect("room.look");
  await bob.do("n");
  await bob.expect("room.look");
  await ann.do("whisper bo The conductor is lying.");
  assertEquals(await bob.expect("tell.received"), { from: "Ann", text: "The conductor is lying." });
  assertEquals(await ann.expect("tell.sent"), { to: "Bob", text: "The conductor is lying." });
  await bob.do("reply I know.");
  assertEquals(await ann.expect("tell.received"), { from: "Bob", text: "I know." });
  await cat.do("say hello?");
  await cat.expect("room.say");
  await ann.do("tell Zed hello");
  assertEquals((await ann.expect("system.error")).code, "no_such_player");
});

Deno.test("reply goes to the account that whispered, never to another player who answers to the name", async () => {
  await using test = await startTestServer({ env: QUIET_WORLD });
  await using ann = await TestPlayer.register(test.url, "Ann");
  await using bobby = await TestPlayer.register(test.url, "Bobby");
  await using annabel = await TestPlayer.register(test.url, "Annabel");
  for (const player of [ann, bobby, annabel]) {
    await player.connect();
    await player.expect("room.look");
  }
  await ann.do("whisper bobby Meet me at the library.");
  await bobby.expect("tell.received");
  await ann.do("quit");
  await ann.stream.rest();
  await bobby.do("reply On my way.");
  const refused = await bobby.expect("system.error");
  assertEquals([refused.code, refused.text], ["no_such_player", "Ann is no longer abroad."]);
  await bobby.do("say marker");
  const frames = [];
  while (true) {
    const frame = present(await annabel.stream.next(), "a frame");
    frames.push(frame.event);
    if (frame.event === "room.say") break;
  }
  assert(!frames.includes("tell.received"), `Annabel got the reply: ${frames}`);
});

Deno.test("ooc reaches everyone, who lists players, help and time answer", async () => {
  await using test = await startTestServer({ env: QUIET_WORLD });
  const { ann, bob } = await twoPlayers(test.url);
  await using _a = ann;
  await using _b = bob;
  await bob.do("n");
  await ann.do("ooc brb, tea");
  assertEquals(await bob.expect("chat.ooc"), { from: "Ann", text: "brb, tea" });
  await ann.do("who");
  const who = await ann.expect("system.notice", (data) => data.code === "who");
  assertEquals(who.players, [{ name: "Ann", linkdead: false }, { name: "Bob", linkdead: false }]);
  await ann.do("help");
  assertStringIncludes(
    String((await ann.expect("system.notice", (d) => d.code === "help")).text),
    "whisper",
  );
  await ann.do("help whisp");
  assertStringIncludes(String((await ann.expect("system.error")).text), "Did you mean whisper?");
  await ann.do("help get");
  assertStringIncludes(
    String((await ann.expect("system.notice", (d) => d.code === "help")).text),
    "take",
  );
  await ann.do("time");
  await ann.expect("world.time");
});

Deno.test("an unknown verb gets system.error suggesting the nearest command", async () => {
  await using test = await startTestServer({ env: QUIET_WORLD });
  await using ann = await TestPlayer.register(test.url, "Ann");
  await ann.connect();
  await ann.expect("room.look");
  for (
    const [typed, suggestion] of [["lok", "look"], ["invntory", "inventory"], [
      "whispr x",
      "whisper",
    ]]
  ) {
    await ann.do(typed as string);
    const error = await ann.expect("system.error");
    assertEquals(error.code, "unknown_command");
    assertStringIncludes(String(error.text), `Did you mean ${suggestion}?`);
  }
  await ann.do("xyzzyplugh");
  assertStringIncludes(String((await ann.expect("system.error")).text), "Type help");
  await ann.do("teleport Ann mu.quad");
  assertEquals(
    (await ann.expect("system.error")).code,
    "unknown_command",
    "admin verbs do not exist for others",
  );
});

Deno.test("get and drop move items between the room and the inventory, seen by the room", async () => {
  await using test = await startTestServer({ env: QUIET_WORLD });
  const { ann, bob } = await twoPlayers(test.url);
  await using _a = ann;
  await using _b = bob;
  await ann.do("get lantern");
  assertEquals(
    (await ann.expect("system.notice", (d) => d.code === "item.taken")).text,
    "You take a brass lantern.",
  );
  assertEquals(await bob.expect("room.emote"), { from: "Ann", text: "takes a brass lantern." });
  await ann.do("i");
  assertEquals((await ann.expect("system.notice", (d) => d.code === "inventory")).items, [
    "a brass lantern",
  ]);
  await bob.do("take lantern");
  assertEquals((await bob.expect("system.error")).code, "not_found");
  await ann.do("get conductor");
  assertEquals((await ann.expect("system.error")).code, "not_found");
  await ann.do("n");
  await ann.do("drop lantern");
  await ann.expect("system.notice", (d) => d.code === "item.dropped");
  await ann.do("look");
  const look = await ann.expect("room.look");
  assertEquals((look.room as { items: string[] }).items, ["a brass lantern"]);
});

Deno.test("two players grabbing the same item at once end with exactly one holder", async () => {
  await using test = await startTestServer({ env: QUIET_WORLD });
  const { ann, bob } = await twoPlayers(test.url);
  await using _a = ann;
  await using _b = bob;
  for (const item of ["lantern", "timetable"]) {
    const [a, b] = await Promise.all([ann.send(`get ${item}`), bob.send(`get ${item}`)]);
    assertEquals([a.status, b.status], [202, 202]);
    await Promise.all([a.body?.cancel(), b.body?.cancel()]);
    const [annInventory, bobInventory] = await Promise.all([ann.me(), bob.me()]);
    const holders = [annInventory, bobInventory].filter((me) =>
      (me.inventory as string[]).length > 0
    );
    assertEquals(holders.length, 1, `${item} has exactly one holder`);
    await ann.do(`drop ${item}`);
    await bob.do(`drop ${item}`);
  }
});

Deno.test("commands are rate limited with 429 and Retry-After; a refused command publishes nothing", async () => {
  await using test = await startTestServer({
    env: { ...QUIET_WORLD, MYTHOS_COMMAND_RATE: "1", MYTHOS_COMMAND_BURST: "3" },
  });
  await using ann = await TestPlayer.register(test.url, "Ann");
  await ann.connect();
  await ann.expect("room.look");
  const statuses = [];
  for (let i = 0; i < 5; i++) {
    const response = await ann.send("time");
    statuses.push(response.status);
    if (response.status === 429) {
      assert(Number(response.headers.get("retry-after")) >= 1);
      assertEquals((await response.json()).error.code, "rate_limited");
    } else {
      await response.body?.cancel();
    }
  }
  assertEquals(statuses.slice(0, 3), [202, 202, 202]);
  assertEquals(statuses.slice(3), [429, 429]);
  // Once a token is back, a marker: nothing arrives between the answers to "time" and it.
  await waitFor(async () => {
    const response = await ann.send("say marker");
    await response.body?.cancel();
    return response.status === 202 || undefined;
  }, { timeout: 5000, message: "a token to come back" });
  const frames = [];
  while (true) {
    const frame = await ann.stream.next();
    if (frame === undefined) throw new Error("the stream ended");
    frames.push(frame);
    if (frame.event === "room.say") break;
  }
  assertEquals(frames.filter((frame) => frame.event === "system.error"), []);
});

Deno.test("leaving and entering the world again does not refill the rate limit", async () => {
  await using test = await startTestServer({
    env: { ...QUIET_WORLD, MYTHOS_COMMAND_RATE: "1", MYTHOS_COMMAND_BURST: "3" },
  });
  await using ann = await TestPlayer.register(test.url, "Ann");
  await ann.connect();
  await ann.expect("room.look");
  await ann.do("time");
  await ann.do("time");
  await ann.do("quit");
  await ann.stream.rest();
  await ann.connect();
  await ann.expect("room.look");
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    const response = await ann.send("ooc again");
    await response.body?.cancel();
    statuses.push(response.status);
  }
  // A fresh bucket would take all three; the account's own has had at most a second or two to
  // refill one token each.
  assert(statuses.includes(429), `re-entering refilled the bucket: ${statuses}`);
});

Deno.test("command input: too long is refused, control characters are removed, empty is refused", async () => {
  await using test = await startTestServer({ env: QUIET_WORLD });
  const { ann, bob } = await twoPlayers(test.url);
  await using _a = ann;
  await using _b = bob;
  const long = await ann.send(`say ${"x".repeat(500)}`);
  assertEquals([long.status, (await long.json()).error.code], [400, "command_too_long"]);
  const empty = await ann.send(" \u0007 ");
  assertEquals([empty.status, (await empty.json()).error.code], [400, "bad_command"]);
  await ann.do("say a\u0000b\rc\nd\u001be\u2028f <b>bold</b>");
  const said = await bob.expect("room.say");
  assertEquals(
    said.text,
    "a b c d e f <b>bold</b>",
    "control characters become spaces; text stays text",
  );
});

Deno.test("commands before the stream is open get 409", async () => {
  await using test = await startTestServer({ env: QUIET_WORLD });
  const ann = await TestPlayer.register(test.url, "Ann");
  const response = await ann.send("look");
  assertEquals([response.status, (await response.json()).error.code], [409, "not_in_world"]);
});

Deno.test("once shutdown begins no command runs, even one already past the gate", async () => {
  const test = await startTestServer({ env: QUIET_WORLD });
  try {
    await using ann = await TestPlayer.register(test.url, "Ann");
    await ann.connect();
    await ann.expect("room.look");
    const shutdown = test.server.shutdown("test");
    const late = await ann.send("north").catch(() => undefined);
    if (late !== undefined) {
      assertEquals(late.status, 503);
      await late.body?.cancel();
    }
    await ann.stream.rest();
    await shutdown;
  } finally {
    await test[Symbol.asyncDispose]();
  }
});
