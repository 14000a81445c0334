/**
 * Presence over real HTTP: tabs, linkdead grace, resume with replay, expiry and logout.
 */

import { assertEquals } from "@std/assert";
import { playersInWorld, TestPlayer } from "../support/player.ts";
import { present } from "../support/present.ts";
import { startTestServer } from "../support/server.ts";
import { waitFor } from "../support/wait.ts";

const QUIET = {
  MYTHOS_NPC_TICK_MS: "3600000",
  MYTHOS_CLOCK_MS_PER_HOUR: "3600000",
  MYTHOS_LUCIDITY_TICK_MS: "3600000",
};

Deno.test("a dropped stream leaves the character linkdead, shown so; reconnecting resumes with replay and no leave/enter", async () => {
  await using test = await startTestServer({
    env: { ...QUIET, MYTHOS_LINKDEAD_GRACE_MS: "60000" },
  });
  const [first, second] = await playersInWorld(test.url, "Ann", "Bob");
  await using ann = present(first, "Ann");
  await using bob = present(second, "Bob");

  await bob.do("say before the drop");
  await bob.expect("room.say");
  const lastEventId = bob.stream.lastEventId;
  await bob.disconnect();
  const notice = await ann.expect("system.notice", (data) => data.code === "player.linkdead");
  assertEquals(notice.text, "Bob falls silent and still, gaze fixed on nothing.");
  await ann.do("look");
  const look = await ann.expect("room.look");
  assertEquals((look.room as { players: unknown }).players, [{ name: "Bob", linkdead: true }]);

  // Bob misses these while gone.
  await ann.do("say one");
  await ann.do("say two");
  await ann.expect("room.say", (data) => data.text === "two");

  const stream = await bob.connect({ lastEventId });
  const hello = await stream.nextOf("stream.hello");
  assertEquals(JSON.parse(hello.data).resumed, true);
  assertEquals(
    JSON.parse((await stream.next())?.data ?? "").text,
    "one",
    "replay starts where Bob left off",
  );
  assertEquals(JSON.parse((await stream.next())?.data ?? "").text, "two");
  await ann.expect("system.notice", (data) => data.code === "player.returned");
  await ann.do("say three");
  const next = await stream.next();
  assertEquals([next?.event, JSON.parse(next?.data ?? "").text], ["room.say", "three"]);
  await ann.do("look");
  assertEquals(((await ann.expect("room.look")).room as { players: unknown }).players, [{
    name: "Bob",
    linkdead: false,
  }]);
});

Deno.test("when the grace expires the character leaves the world (others see it), is saved, and its history is released", async () => {
  await using test = await startTestServer({ env: { ...QUIET, MYTHOS_LINKDEAD_GRACE_MS: "150" } });
  const [first, second] = await playersInWorld(test.url, "Ann", "Bob");
  await using ann = present(first, "Ann");
  await using bob = present(second, "Bob");
  await bob.do("north");
  await bob.expect("room.look");
  await ann.do("n");
  await ann.expect("room.look");
  const lastEventId = bob.stream.lastEventId;
  await bob.disconnect();
  await ann.expect("system.notice", (data) => data.code === "player.linkdead");
  assertEquals(await ann.expect("room.leave"), { who: "Bob" });
  assertEquals((await bob.me()).inWorld, false);
  assertEquals(
    ((await bob.me()).room as { id: string }).id,
    "arkham.garrison_st",
    "saved where it stood",
  );
  // Its replay history is gone: coming back with the old id resyncs (and re-enters the world).
  const stream = await bob.connect({ lastEventId });
  assertEquals(JSON.parse((await stream.nextOf("stream.hello")).data).resumed, false);
  assertEquals((await stream.next())?.event, "stream.resync");
  assertEquals((await stream.next())?.event, "room.look");
  assertEquals(await ann.expect("room.enter"), { who: "Bob" });
});

Deno.test("up to four tabs all receive the player's events; a fifth ends the oldest with stream.superseded", async () => {
  await using test = await startTestServer({ env: QUIET });
  await using ann = await TestPlayer.register(test.url, "Ann");
  for (let i = 0; i < 4; i++) {
    await ann.connect();
    await ann.expect("room.look");
  }
  await ann.do("say to every tab");
  for (const tab of ann.streams) {
    assertEquals(JSON.parse((await tab.nextOf("room.say")).data).text, "to every tab");
  }
  await ann.connect();
  const oldest = ann.streams[0];
  const superseded = await oldest?.nextOf("stream.superseded");
  assertEquals(JSON.parse(superseded?.data ?? "").reason, "Opened in another window");
  assertEquals(await oldest?.next(), undefined, "the oldest stream ends cleanly");
  await ann.do("say still here");
  for (const tab of ann.streams.slice(1)) {
    assertEquals(JSON.parse((await tab.nextOf("room.say")).data).text, "still here");
  }
});

Deno.test("logout takes the character out of the world at once and ends its streams", async () => {
  await using test = await startTestServer({
    env: { ...QUIET, MYTHOS_LINKDEAD_GRACE_MS: "60000" },
  });
  const [first, second] = await playersInWorld(test.url, "Ann", "Bob");
  await using ann = present(first, "Ann");
  await using bob = present(second, "Bob");
  const response = await bob.logout();
  assertEquals(response.status, 204);
  assertEquals(await ann.expect("room.leave"), { who: "Bob" });
  const end = await bob.stream.nextOf("stream.superseded");
  assertEquals(JSON.parse(end.data).reason, "Logged out");
  assertEquals(await bob.stream.next(), undefined);
  await ann.do("who");
  const who = await ann.expect("system.notice", (data) => data.code === "who");
  assertEquals(who.players, [{ name: "Ann", linkdead: false }]);
});

Deno.test("quit leaves the world and a new stream brings the character back", async () => {
  await using test = await startTestServer({ env: QUIET });
  await using ann = await TestPlayer.register(test.url, "Ann");
  await ann.connect();
  await ann.expect("room.look");
  await ann.do("n");
  await ann.expect("room.look");
  await ann.do("quit");
  await ann.stream.nextOf("stream.superseded");
  await waitFor(async () => (await ann.me()).inWorld === false, { message: "Ann to leave" });
  const stream = await ann.connect();
  const look = JSON.parse((await stream.nextOf("room.look")).data);
  assertEquals(look.room.id, "arkham.garrison_st");
});
