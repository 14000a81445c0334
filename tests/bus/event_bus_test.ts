import { assert, assertEquals, assertLessOrEqual, assertThrows } from "@std/assert";
import { EventBus } from "../../lib/bus/event_bus.ts";
import { type Frame, snapshotFrame } from "../../lib/bus/frame.ts";
import type { Subscription } from "../../lib/bus/subscription.ts";
import { countListeners } from "../support/listeners.ts";
import { present } from "../support/present.ts";
import { waitFor, withTimeout } from "../support/wait.ts";

function say(text: string) {
  return { type: "room.say" as const, data: { from: "Armitage", text } };
}

/** Takes every frame available right now without waiting. */
async function drainNow(subscription: Subscription): Promise<Frame[]> {
  const frames: Frame[] = [];
  while (subscription.pendingFrames > 0) {
    const result = await subscription.next();
    if (result.done) break;
    frames.push(result.value);
  }
  return frames;
}

function textOf(frame: Frame): string {
  return new TextDecoder().decode(frame.bytes);
}

/** The `text` of every frame available right now, taken without waiting. */
function takeTexts(subscription: Subscription): string[] {
  const texts: string[] = [];
  for (let frame = subscription.take(); frame !== undefined; frame = subscription.take()) {
    texts.push(JSON.parse(textOf(frame).split("data: ")[1] ?? "").text);
  }
  return texts;
}

/** A bus keeping 16 frames per log, with `players` in the room `room:station`. */
function stationWith(players: string[]): EventBus {
  const bus = new EventBus({ firstId: 1, history: { frames: 16, bytes: 1_000_000 } });
  for (const player of players) {
    bus.open(player);
    bus.joinTopic(player, "room:station");
  }
  return bus;
}

/**
 * Ann and Bob enter rooms 0 to `count - 1` in turn and a line is said in each; Ann leaves each
 * room before the next (the last one too, with `leaveLast`).
 */
function walkRooms(bus: EventBus, count: number, leaveLast: boolean): void {
  for (let room = 0; room < count; room++) {
    bus.joinTopic("ann", `room:${room}`);
    bus.joinTopic("bob", `room:${room}`);
    bus.publish(say(`in ${room}`), { to: "topic", topic: `room:${room}` });
    if (leaveLast || room < count - 1) bus.leaveTopic("ann", `room:${room}`);
  }
}

Deno.test("publish() reaches one player, a topic (minus except) or everyone", async () => {
  const bus = new EventBus({ firstId: 1 });
  for (const key of ["ann", "bob", "cat"]) bus.open(key);
  bus.joinTopic("ann", "room:library");
  bus.joinTopic("bob", "room:library");
  using ann = bus.subscribe("ann");
  using bob = bus.subscribe("bob");
  using cat = bus.subscribe("cat");
  assertEquals(bus.publish(say("to ann"), { to: "player", key: "ann" }), 1);
  assertEquals(
    bus.publish(say("to library"), { to: "topic", topic: "room:library", except: "bob" }),
    2,
  );
  assertEquals(bus.publish(say("to all"), { to: "all" }), 3);
  assertEquals(
    bus.publish(say("to some"), { to: "players", keys: ["bob", "cat", "cat", "nobody"] }),
    4,
  );
  assertEquals(bus.publish(say("to nobody"), { to: "topic", topic: "room:empty" }), undefined);
  assertEquals((await drainNow(ann)).map((frame) => frame.id), [1, 2, 3]);
  assertEquals((await drainNow(bob)).map((frame) => frame.id), [3, 4]);
  assertEquals((await drainNow(cat)).map((frame) => frame.id), [3, 4]);
  assertEquals(bus.members("room:library").sort(), ["ann", "bob"]);
});

Deno.test("a frame is encoded once and the same bytes are shared by every recipient", async () => {
  const bus = new EventBus({ firstId: 7 });
  bus.open("ann");
  bus.open("bob");
  using ann = bus.subscribe("ann");
  using bob = bus.subscribe("bob");
  bus.publish(say("hello"), { to: "all" });
  const a = present((await drainNow(ann))[0], "ann's frame");
  const b = present((await drainNow(bob))[0], "bob's frame");
  assert(a.bytes === b.bytes, "both recipients hold the very same Uint8Array");
  assertEquals(
    textOf(a),
    'id: 7\nevent: room.say\ndata: {"from":"Armitage","text":"hello"}\n\n',
  );
});

Deno.test("subscribe() ends when its signal aborts, even while parked in next()", async () => {
  const bus = new EventBus();
  bus.open("ann");
  const controller = new AbortController();
  using listeners = countListeners(controller.signal);
  const subscription = bus.subscribe("ann", { signal: controller.signal });
  assertEquals(listeners.count, 1);
  const parked = subscription.next();
  controller.abort();
  assertEquals(await withTimeout(parked, 1000, "the parked next()"), {
    done: true,
    value: undefined,
  });
  assertEquals(listeners.count, 0);
  assertEquals(bus.stats().subscribers, 0);
  assertEquals(subscription.closed, true);
});

Deno.test("return() ends a subscription parked in next() at once", async () => {
  const bus = new EventBus();
  bus.open("ann");
  const controller = new AbortController();
  using listeners = countListeners(controller.signal);
  const subscription = bus.subscribe("ann", { signal: controller.signal });
  const parked = [subscription.next(), subscription.next()];
  assertEquals(await subscription.return(), { done: true, value: undefined });
  for (const result of await withTimeout(Promise.all(parked), 1000, "parked next() calls")) {
    assertEquals(result.done, true);
  }
  assertEquals(listeners.count, 0);
  assertEquals(bus.stats().subscribers, 0);
});

Deno.test("for await over a subscription ends when the bus closes", async () => {
  const bus = new EventBus();
  bus.open("ann");
  const subscription = bus.subscribe("ann");
  bus.publish(say("one"), { to: "player", key: "ann" });
  const seen: string[] = [];
  const reading = (async () => {
    for await (const frame of subscription) {
      seen.push(frame.type);
      bus.close();
    }
  })();
  await withTimeout(reading, 1000, "the loop to end");
  assertEquals(seen, ["room.say"]);
  assertEquals(bus.stats().subscribers, 0);
  assertEquals(bus.publish(say("ignored"), { to: "all" }), undefined);
});

Deno.test("an already aborted signal gives an ended subscription and adds no listener", async () => {
  const bus = new EventBus();
  bus.open("ann");
  const signal = AbortSignal.abort();
  using listeners = countListeners(signal);
  const subscription = bus.subscribe("ann", { signal });
  assertEquals((await subscription.next()).done, true);
  assertEquals(listeners.count, 0);
  assertEquals(bus.stats().subscribers, 0);
});

Deno.test("10,000 subscribe/unsubscribe cycles leave no listener on the root signal", async () => {
  const bus = new EventBus();
  bus.open("ann");
  const root = new AbortController();
  using listeners = countListeners(root.signal);
  for (let i = 0; i < 10_000; i++) {
    const subscription = bus.subscribe("ann", { signal: root.signal });
    if (i % 3 === 0) {
      await subscription.return();
    } else if (i % 3 === 1) {
      const parked = subscription.next();
      subscription[Symbol.dispose]();
      await parked;
    } else {
      bus.publish(say(`n${i}`), { to: "player", key: "ann" });
      await subscription.next();
      await subscription[Symbol.asyncDispose]();
    }
  }
  assertEquals(listeners.count, 0);
  assertLessOrEqual(listeners.peak, 1);
  assertEquals(bus.stats().subscribers, 0);
});

Deno.test("a reader that stops reading is resynced and ended; memory stays bounded; publishing never waits", async () => {
  const bus = new EventBus({ history: { frames: 100, bytes: 1_000_000 } });
  bus.open("slow");
  bus.open("fast");
  const slow = bus.subscribe("slow");
  using fast = bus.subscribe("fast");
  const received: number[] = [];
  const fastReader = (async () => {
    for await (const frame of fast) {
      if (frame.id !== undefined) received.push(frame.id);
      if (received.length === 5000) return;
    }
  })();
  for (let i = 0; i < 5000; i++) {
    // publish() is synchronous: it returns before any subscriber reads.
    bus.publish(say(`n${i}`), { to: "all" });
    assertLessOrEqual(bus.stats().bufferedFrames, 200);
    if (i % 50 === 49) {
      await waitFor(() => received.length === i + 1, { message: "the fast reader to catch up" });
    }
  }
  await withTimeout(fastReader, 2000, "the fast reader");
  assertEquals(received.length, 5000);
  const stats = bus.stats();
  assertEquals(stats.resynced, 1);
  assertLessOrEqual(stats.historyBytes, 2 * 100 * 80);
  const first = await slow.next();
  assertEquals(first.value?.type, "stream.resync");
  assertEquals((await slow.next()).done, true);
  assertEquals(bus.stats().subscribers, 0);
});

Deno.test("the byte bound also ends a reader that falls behind", async () => {
  const bus = new EventBus({ history: { frames: 1000, bytes: 4096 } });
  bus.open("slow");
  const slow = bus.subscribe("slow");
  for (let i = 0; i < 100; i++) bus.publish(say("x".repeat(100)), { to: "all" });
  assertLessOrEqual(bus.stats().historyBytes, 4096);
  assertEquals((await slow.next()).value?.type, "stream.resync");
  assertEquals((await slow.next()).done, true);
});

Deno.test("Last-Event-ID inside the window replays exactly the missed frames, then live, with no gap or duplicate", async () => {
  const bus = new EventBus({ firstId: 100 });
  bus.open("ann");
  for (let i = 0; i < 50; i++) bus.publish(say(`before ${i}`), { to: "player", key: "ann" });
  const subscription = bus.subscribe("ann", { lastEventId: "120" });
  assertEquals(subscription.resumed, true);
  const ids: number[] = [];
  // Keep publishing while the replay is read, so the seam is exercised.
  for (let i = 0; i < 40; i++) {
    if (i % 2 === 0) bus.publish(say(`during ${i}`), { to: "player", key: "ann" });
    const result = await subscription.next();
    if (!result.done && result.value.id !== undefined) ids.push(result.value.id);
  }
  ids.push(...(await drainNow(subscription)).map((frame) => frame.id ?? -1));
  const expected = Array.from({ length: 169 - 120 }, (_, i) => 121 + i);
  assertEquals(ids, expected);
  await subscription.return();
});

Deno.test("Last-Event-ID outside the window, from the future, or junk gives stream.resync then live", async () => {
  const bus = new EventBus({ firstId: 1, history: { frames: 10, bytes: 1_000_000 } });
  bus.open("ann");
  for (let i = 0; i < 30; i++) bus.publish(say(`n${i}`), { to: "player", key: "ann" });
  for (const lastEventId of ["5", "9999", "abc", "-1", "1e3", "12\r\nevent: x", " ", "0x10"]) {
    using subscription = bus.subscribe("ann", { lastEventId });
    const expectResync = lastEventId.trim() !== "";
    if (expectResync) {
      assertEquals(subscription.resumed, false);
      const first = await subscription.next();
      assertEquals(first.value?.type, "stream.resync", `for ${JSON.stringify(lastEventId)}`);
    }
    const id = bus.publish(say("live"), { to: "player", key: "ann" });
    const next = await subscription.next();
    assertEquals(next.value?.id, id);
  }
});

Deno.test("Last-Event-ID equal to the newest id resumes with nothing to replay", () => {
  const bus = new EventBus({ firstId: 1 });
  bus.open("ann");
  const last = bus.publish(say("seen"), { to: "player", key: "ann" });
  using subscription = bus.subscribe("ann", { lastEventId: String(last) });
  assertEquals(subscription.resumed, true);
  assertEquals(subscription.pendingFrames, 0);
});

Deno.test("a mailbox opened with a floor resumes a client that saw exactly up to it", () => {
  const before = new EventBus({ firstId: 1 });
  before.open("ann");
  before.publish(say("a"), { to: "player", key: "ann" });
  const floor = before.lastIdOf("ann") ?? 0;
  before.close();
  const after = new EventBus({ firstId: 1000 });
  after.open("ann", { floorId: floor });
  using resumed = after.subscribe("ann", { lastEventId: String(floor) });
  assertEquals(resumed.resumed, true);
  using behind = after.subscribe("ann", { lastEventId: String(floor - 1) });
  assertEquals(behind.resumed, false);
});

Deno.test("release() ends the subscriptions with a final frame and leaves every topic", async () => {
  const bus = new EventBus();
  bus.open("ann");
  bus.joinTopic("ann", "room:1");
  const subscription = bus.subscribe("ann");
  const parked = subscription.next();
  const final = { id: undefined, type: "stream.superseded" as const, bytes: new Uint8Array(1) };
  bus.release("ann", final);
  assertEquals((await parked).value, final);
  assertEquals((await subscription.next()).done, true);
  assertEquals(bus.members("room:1"), []);
  assertEquals(bus.has("ann"), false);
  assertThrows(() => bus.subscribe("ann"), Error, "No open mailbox for ann");
});

Deno.test("end() with drain delivers what was already published, then the final frame", async () => {
  const bus = new EventBus({ firstId: 1 });
  bus.open("ann");
  const subscription = bus.subscribe("ann");
  bus.publish(say("a"), { to: "all" });
  bus.publish(say("b"), { to: "all" });
  const final = { id: undefined, type: "stream.shutdown" as const, bytes: new Uint8Array(1) };
  subscription.end(final, { drain: true });
  bus.publish(say("after"), { to: "all" });
  const seen: (number | string)[] = [];
  for await (const frame of subscription) seen.push(frame.id ?? frame.type);
  assertEquals(seen, [1, 2, "stream.shutdown"]);
  assertEquals(bus.stats().subscribers, 0);
});

Deno.test("ping() is delivered only when nothing else is waiting", async () => {
  const bus = new EventBus({ firstId: 1 });
  bus.open("ann");
  using subscription = bus.subscribe("ann");
  const ping = { id: undefined, type: "stream.ping" as const, bytes: new Uint8Array(1) };
  bus.publish(say("a"), { to: "all" });
  subscription.ping(ping);
  assertEquals((await subscription.next()).value?.id, 1);
  assertEquals((await subscription.next()).value, ping);
  const parked = subscription.next();
  subscription.ping(ping);
  assertEquals((await parked).value, ping);
});

Deno.test("stats() counts published, delivered, resynced, subscribers and buffered frames", async () => {
  const bus = new EventBus({ history: { frames: 16, bytes: 1_000_000 } });
  bus.open("ann");
  bus.open("bob");
  using ann = bus.subscribe("ann");
  using _bob = bus.subscribe("bob", { lastEventId: "junk" });
  bus.publish(say("one"), { to: "all" });
  bus.publish(say("two"), { to: "player", key: "ann" });
  await ann.next();
  const stats = bus.stats();
  assertEquals(stats.published, 2);
  assertEquals(stats.delivered, 1);
  assertEquals(stats.resynced, 1);
  assertEquals(stats.subscribers, 2);
  assertEquals(stats.mailboxes, 2);
  assertEquals(stats.bufferedFrames, 2);
  assert(stats.bufferedBytes > 0);
});

Deno.test("broadcasts and addressed frames reach a player merged in id order, replay included", async () => {
  const bus = new EventBus({ firstId: 1 });
  bus.open("ann");
  bus.open("bob");
  bus.joinTopic("ann", "room:1");
  const sequence = [
    bus.publish(say("all 1"), { to: "all" }),
    bus.publish(say("room"), { to: "topic", topic: "room:1" }),
    bus.publish(say("not ann"), { to: "all", except: "ann" }),
    bus.publish(say("ann only"), { to: "player", key: "ann" }),
    bus.publish(say("all 2"), { to: "all" }),
  ];
  using live = bus.subscribe("ann", { lastEventId: "0" });
  const seen = (await drainNow(live)).map((frame) => frame.id);
  assertEquals(seen, [sequence[0], sequence[1], sequence[3], sequence[4]]);
  using replay = bus.subscribe("ann", { lastEventId: String(sequence[1]) });
  assertEquals((await drainNow(replay)).map((frame) => frame.id), [sequence[3], sequence[4]]);
  assertEquals(bus.lastIdOf("ann"), sequence[4]);
  assertEquals(bus.lastIdOf("bob"), sequence[4]);
});

Deno.test("a player does not receive broadcasts from before its mailbox opened", async () => {
  const bus = new EventBus({ firstId: 1 });
  bus.open("ann");
  bus.publish(say("early"), { to: "all" });
  bus.open("bob");
  using bob = bus.subscribe("bob", { lastEventId: "0" });
  assertEquals(bob.resumed, false, "id 0 predates bob's mailbox: resync");
  const late = bus.publish(say("late"), { to: "all" });
  const frames = await drainNow(bob);
  assertEquals(frames.map((frame) => frame.id ?? frame.type), ["stream.resync", late]);
});

Deno.test("a broadcast is stored once, not once per player", () => {
  const bus = new EventBus({ firstId: 1 });
  for (let i = 0; i < 100; i++) bus.open(`p${i}`);
  bus.publish(say("x".repeat(1000)), { to: "all" });
  const { historyBytes } = bus.stats();
  assertLessOrEqual(historyBytes, 1200);
});

Deno.test("broadcast history evicted after a player joined makes an old Last-Event-ID resync", () => {
  const bus = new EventBus({ firstId: 1, history: { frames: 16, bytes: 1_000_000 } });
  bus.open("ann");
  const first = bus.publish(say("first"), { to: "all" }) ?? 0;
  for (let i = 0; i < 40; i++) bus.publish(say(`n${i}`), { to: "all" });
  using tooOld = bus.subscribe("ann", { lastEventId: String(first) });
  assertEquals(tooOld.resumed, false);
  using recent = bus.subscribe("ann", { lastEventId: String(bus.lastId - 3) });
  assertEquals(recent.resumed, true);
  assertEquals(recent.pendingFrames, 3);
});

Deno.test("history is bounded by age too: an id older than the age bound resyncs", async () => {
  let now = 0;
  const bus = new EventBus({ firstId: 1, history: { ageMs: 1000 }, now: () => now });
  bus.open("ann");
  const old = bus.publish(say("old"), { to: "player", key: "ann" }) ?? 0;
  bus.publish(say("old broadcast"), { to: "all" });
  now = 500;
  const recent = bus.publish(say("recent"), { to: "player", key: "ann" }) ?? 0;
  using withinAge = bus.subscribe("ann", { lastEventId: String(old) });
  assertEquals(withinAge.resumed, true, "500 ms old: still kept");
  now = 1600;
  bus.publish(say("new"), { to: "player", key: "ann" });
  bus.publish(say("new broadcast"), { to: "all" });
  using tooOld = bus.subscribe("ann", { lastEventId: String(old) });
  assertEquals(tooOld.resumed, false, "1600 ms old: evicted");
  assertEquals((await tooOld.next()).value?.type, "stream.resync");
  using fresh = bus.subscribe("ann", { lastEventId: String(recent) });
  assertEquals(fresh.resumed, true);
  assertEquals(fresh.pendingFrames, 2);
});

Deno.test("a greeting made at an earlier id (an edge's, from the world) is followed by exactly the frames published after that id", () => {
  const bus = new EventBus();
  bus.open("ann");
  const at = present(bus.publish(say("one"), { to: "player", key: "ann" }), "the first id");
  bus.publish(say("two"), { to: "player", key: "ann" });
  bus.publish(say("three"), { to: "all" });
  const greeting = snapshotFrame({ type: "world.time", data: { hour: 8, daypart: "morning" } });
  using subscription = bus.subscribe("ann", { greeting: () => [greeting], greetingAfter: at });
  const frames: Frame[] = [];
  for (let frame = subscription.take(); frame !== undefined; frame = subscription.take()) {
    frames.push(frame);
  }
  assertEquals(frames.map((frame) => frame.type), ["world.time", "room.say", "room.say"]);
  assert(
    textOf(frames[1] as Frame).includes('"two"') && textOf(frames[2] as Frame).includes('"three"'),
  );
  // A greeting at the newest id (or later) is followed by nothing old.
  using later = bus.subscribe("ann", { greeting: () => [greeting], greetingAfter: at + 100 });
  assertEquals(later.take()?.type, "world.time");
  assertEquals(later.take(), undefined);
  bus.close();
});

Deno.test("a subscription is ready only while a frame waits, its greeting included", () => {
  // An event stream asks Deno to pull again whenever `ready` says so: a subscription that stayed
  // ready after its greeting was pulled twice for every frame it delivered.
  const bus = new EventBus();
  bus.open("ann");
  const greeting = [
    snapshotFrame({ type: "world.time", data: { hour: 8, daypart: "morning" } }),
    snapshotFrame({ type: "world.time", data: { hour: 9, daypart: "morning" } }),
  ];
  using subscription = bus.subscribe("ann", { greeting: () => greeting });
  assert(subscription.ready);
  assertEquals(subscription.take()?.type, "world.time");
  assert(subscription.ready, "one greeting frame still waits");
  assertEquals(subscription.take()?.type, "world.time");
  assertEquals(subscription.ready, false, "the greeting is all taken");
  bus.publish(say("one"), { to: "player", key: "ann" });
  assert(subscription.ready);
  assertEquals(subscription.take()?.type, "room.say");
  assertEquals(subscription.ready, false);
  bus.close();
});

Deno.test("a room event is stored once, not once per player in the room", () => {
  const bus = new EventBus({ firstId: 1 });
  for (let i = 0; i < 100; i++) {
    bus.open(`p${i}`);
    bus.joinTopic(`p${i}`, "room:station");
  }
  bus.publish(say("x".repeat(1000)), { to: "topic", topic: "room:station" });
  assertLessOrEqual(bus.stats().historyBytes, 1200);
  for (let i = 0; i < 100; i++) {
    using reader = bus.subscribe(`p${i}`, { lastEventId: "0" });
    assertEquals(reader.pendingFrames, 1);
  }
  bus.close();
});

Deno.test("a player who moved resumes with the old room's frames up to the move, then the new room's, in id order", () => {
  const bus = new EventBus({ firstId: 1 });
  for (const player of ["ann", "bob"]) {
    bus.open(player);
    bus.joinTopic(player, "room:station");
  }
  bus.open("cat");
  bus.joinTopic("cat", "room:street");
  const seen = bus.publish(say("seen before the drop"), { to: "topic", topic: "room:station" });
  bus.publish(say("missed at the station"), { to: "topic", topic: "room:station" });
  bus.publish(say("a whisper"), { to: "player", key: "ann" });
  bus.leaveTopic("ann", "room:station");
  bus.joinTopic("ann", "room:street");
  bus.publish(say("after she left"), { to: "topic", topic: "room:station" });
  bus.publish(say("on the street"), { to: "topic", topic: "room:street", except: "cat" });
  bus.publish(say("hers alone"), { to: "topic", topic: "room:street", except: "ann" });
  using resumed = bus.subscribe("ann", { lastEventId: String(seen) });
  assertEquals(resumed.resumed, true);
  const texts: string[] = [];
  const ids: number[] = [];
  for (let frame = resumed.take(); frame !== undefined; frame = resumed.take()) {
    texts.push(JSON.parse(textOf(frame).split("data: ")[1] ?? "").text);
    ids.push(frame.id ?? 0);
  }
  assertEquals(texts, ["missed at the station", "a whisper", "on the street"]);
  assertEquals(ids, [...ids].sort((a, b) => a - b));
  assertEquals(bus.lastIdOf("ann"), ids.at(-1));
  bus.close();
});

Deno.test("a speaker whose own words fill the room's history is not taken for fallen behind", async () => {
  const bus = stationWith(["ann", "bob"]);
  using ann = bus.subscribe("ann");
  using bob = bus.subscribe("bob");
  for (let i = 0; i < 100; i++) {
    bus.publish(say(`n${i}`), { to: "topic", topic: "room:station", except: "ann" });
    assertEquals((await bob.next()).value?.type, "room.say");
  }
  bus.publish(say("to ann at last"), { to: "player", key: "ann" });
  assertEquals((await ann.next()).value?.type, "room.say");
  assertEquals(bus.stats().resynced, 0);
});

Deno.test("a reader that stops reading in a busy room is resynced; the room's history stays bounded", async () => {
  const bus = stationWith(["slow", "fast"]);
  const slow = bus.subscribe("slow");
  using fast = bus.subscribe("fast");
  for (let i = 0; i < 40; i++) {
    bus.publish(say(`n${i}`), { to: "topic", topic: "room:station" });
    assertEquals((await fast.next()).done, false);
  }
  assertLessOrEqual(bus.stats().historyBytes, 16 * 100);
  assertEquals((await slow.next()).value?.type, "stream.resync");
  assertEquals((await slow.next()).done, true);
  assertEquals(bus.stats().resynced, 1);
});

Deno.test("rooms left long ago are let go: a resume from before them resyncs, a recent one does not", () => {
  const bus = new EventBus({ firstId: 1 });
  bus.open("ann");
  bus.open("bob");
  const firstSaid: number[] = [];
  for (let room = 0; room < 20; room++) {
    bus.joinTopic("ann", `room:${room}`);
    bus.joinTopic("bob", `room:${room}`);
    firstSaid.push(bus.publish(say(`in ${room}`), { to: "topic", topic: `room:${room}` }) ?? 0);
    bus.publish(say(`still ${room}`), { to: "topic", topic: `room:${room}` });
    bus.leaveTopic("ann", `room:${room}`);
  }
  using tooOld = bus.subscribe("ann", { lastEventId: String(firstSaid[0]) });
  assertEquals(tooOld.resumed, false);
  using recent = bus.subscribe("ann", { lastEventId: String(firstSaid[18]) });
  assertEquals(recent.resumed, true);
  // "still 18", then both lines of room 19.
  assertEquals(recent.pendingFrames, 3);
  // Bob, still in room 19's topic, is not affected by what Ann let go.
  using bob = bus.subscribe("bob", { lastEventId: String(firstSaid[0]) });
  assertEquals(bob.resumed, true);
  bus.close();
});

Deno.test("a reader that had not finished a room let go is resynced, not silently skipped", async () => {
  const bus = new EventBus({ firstId: 1 });
  bus.open("ann");
  bus.open("bob");
  const ann = bus.subscribe("ann");
  walkRooms(bus, 12, true);
  assertEquals((await ann.next()).value?.type, "stream.resync");
  assertEquals((await ann.next()).done, true);
  bus.close();
});

Deno.test("a player's newest id (saved as their replay floor) stays right after the room's log lets the frame go", () => {
  const bus = stationWith(["ann", "bob"]);
  const marker = bus.publish(say("marker"), { to: "topic", topic: "room:station" });
  for (let i = 0; i < 20; i++) {
    bus.publish(say(`ann's own ${i}`), { to: "topic", topic: "room:station", except: "ann" });
  }
  assertEquals(bus.lastIdOf("ann"), marker);
  bus.leaveTopic("ann", "room:station");
  assertEquals(bus.lastIdOf("ann"), marker);
  assertEquals(bus.lastIdOf("bob"), bus.lastId);
  bus.close();
});

Deno.test("a reader that walked through many rooms and read everything looks at one room per frame", () => {
  const bus = new EventBus({ firstId: 1 });
  bus.open("ann");
  bus.open("bob");
  using ann = bus.subscribe("ann");
  walkRooms(bus, 6, false);
  assertEquals(takeTexts(ann), ["in 0", "in 1", "in 2", "in 3", "in 4", "in 5"]);
  assertEquals(ann.cursor.topics.map((position) => position.membership.topic), ["room:5"]);
  // The rooms left are still kept for a reconnect.
  using resumed = bus.subscribe("ann", { lastEventId: "0" });
  assertEquals(resumed.resumed, true);
  assertEquals(resumed.pendingFrames, 6);
  bus.close();
});
