/**
 * A bus that replays another's operations holds the same mailboxes: every resume gives the same
 * frames on both, whichever bus a player reconnects to (the cluster's edges rely on it).
 */

import { assertEquals } from "@std/assert";
import { EventBus } from "../../lib/bus/event_bus.ts";
import { streamFrame } from "../../lib/bus/frame.ts";
import { type BusOperation, decodeOperation, encodeOperation } from "../../lib/bus/operations.ts";
import { framesAfter, say } from "../support/bus_frames.ts";

Deno.test("a replica fed the world bus's operations (through their encoded form) replays exactly what the world would, for any Last-Event-ID", () => {
  const operations: BusOperation[] = [];
  const world = new EventBus({ firstId: 1, onOperation: (op) => operations.push(op) });
  const replica = new EventBus({ firstId: 1 });
  const ids: number[] = [];
  const record = (id: number | undefined) => id !== undefined && ids.push(id);

  for (const player of ["ann", "bob", "cat"]) {
    world.open(player);
    world.joinTopic(player, "room:station");
  }
  record(world.publish(say("Ann", "hello"), { to: "topic", topic: "room:station" }));
  // Bob moves: what the station hears next is not his, and what the street hears is.
  world.leaveTopic("bob", "room:station");
  world.joinTopic("bob", "room:street");
  record(world.publish(say("Cat", "where did he go?"), { to: "topic", topic: "room:station" }));
  record(
    world.publish(say("Bob", "out here"), { to: "topic", topic: "room:street", except: "bob" }),
  );
  record(
    world.publish({ type: "chat.ooc", data: { from: "Ann", text: "brb" } }, {
      to: "all",
      except: "ann",
    }),
  );
  record(
    world.publish({ type: "tell.received", data: { from: "Cat", text: "psst" } }, {
      to: "player",
      key: "bob",
    }),
  );
  record(world.publish(say("Dan", "x"), { to: "players", keys: new Set(["ann", "cat"]).values() }));
  world.release("cat", streamFrame({ type: "stream.superseded", data: { reason: "Logged out" } }));
  world.open("dan", { floorId: ids.at(-1) });
  record(world.publish(say("Dan", "I'm new"), { to: "player", key: "dan" }));

  for (const operation of operations) replica.apply(decodeOperation(encodeOperation(operation)));
  // Applying a stretch again (a reader that re-reads after reconnecting) changes nothing.
  for (const operation of operations.slice(-3)) replica.apply(operation);

  assertEquals(replica.lastId, world.lastId);
  for (const player of ["ann", "bob", "dan"]) {
    for (const from of ["0", ...ids.map(String)]) {
      assertEquals(
        framesAfter(replica, player, from),
        framesAfter(world, player, from),
        `${player} after ${from}`,
      );
    }
  }
  assertEquals(replica.has("cat"), false, "released there too");
  // After the first say Bob was on the street: the ooc and the whisper are his, nothing else.
  assertEquals(framesAfter(replica, "bob", String(ids[0])).length, 2);
  world.close();
  replica.close();
});

Deno.test("decodeOperation() refuses what is not an operation", () => {
  for (const fields of [[], ["op"], ["op", "{}"], ["op", '{"op":"drop"}'], ["x", "{}"]]) {
    let failed = false;
    try {
      decodeOperation(fields);
    } catch (error) {
      failed = error instanceof SyntaxError;
    }
    assertEquals(failed, true, JSON.stringify(fields));
  }
});

Deno.test("a replica that starts late, after older entries were trimmed, begins at a snapshot: exact from there on, resync before", () => {
  const operations: BusOperation[] = [];
  const world = new EventBus({ firstId: 1, onOperation: (op) => operations.push(op) });
  for (const player of ["ann", "bob"]) {
    world.open(player);
    world.joinTopic(player, "room:station");
  }
  for (let i = 0; i < 10; i++) {
    world.publish(say("Ann", `early ${i}`), { to: "topic", topic: "room:station" });
  }
  const trimmedUpTo = operations.length - 3;
  world.recordSnapshot();
  const snapshotAt = world.lastId;
  world.leaveTopic("bob", "room:station");
  world.joinTopic("bob", "room:street");
  const later: number[] = [];
  for (let i = 0; i < 5; i++) {
    later.push(
      world.publish(say("Ann", `later ${i}`), { to: "topic", topic: "room:station" }) ?? 0,
    );
    later.push(world.publish(say("Bob", `out ${i}`), { to: "topic", topic: "room:street" }) ?? 0);
  }
  world.open("cat");
  world.joinTopic("cat", "room:street");
  later.push(world.publish(say("Bob", "hi cat"), { to: "topic", topic: "room:street" }) ?? 0);

  // The replica sees only what was kept: the last few early entries, then everything after.
  const replica = new EventBus({ firstId: 1 });
  for (const operation of operations.slice(trimmedUpTo)) replica.apply(operation);

  for (const player of ["ann", "bob", "cat"]) {
    for (const from of [snapshotAt, ...later].map(String)) {
      assertEquals(
        framesAfter(replica, player, from),
        framesAfter(world, player, from),
        `${player} after ${from}`,
      );
    }
  }
  const before = framesAfter(replica, "bob", String(snapshotAt - 5));
  assertEquals(before[0]?.includes("event: stream.resync"), true, "before the snapshot: resync");
  world.close();
  replica.close();
});
