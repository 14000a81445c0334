/**
 * A world that dies after its batch's events and note are in the stream, but before it answered:
 * the next world answers from the note instead of running the command again, and takes the
 * player as noted. Real redis-server.
 */

import { assertEquals } from "@std/assert";
import { EventBus } from "../../lib/bus/event_bus.ts";
import {
  CommandClient,
  type CommandOutcome,
  CommandServer,
} from "../../lib/cluster/command_channel.ts";
import { EventLogReader, EventLogWriter } from "../../lib/cluster/event_log.ts";
import { TakeoverNotes } from "../../lib/cluster/takeover_notes.ts";
import { Supervisor } from "../../lib/lifecycle/supervisor.ts";
import type { PlayerRecord } from "../../lib/store/store.ts";
import { say } from "../support/bus_frames.ts";
import { connectRedis, skipWithoutRedis, startRedis } from "../support/redis.ts";
import { waitFor } from "../support/wait.ts";

const ignore = skipWithoutRedis("Takeover notes tests");

function record(room: string, updatedAt: string): PlayerRecord {
  return {
    id: "ann",
    name: "Ann",
    room,
    stats: { lucidity: 100 },
    createdAt: "2026-11-27T00:00:00.000Z",
    updatedAt,
  };
}

Deno.test({
  name:
    "a request whose events and note are in the stream but whose answer was never sent is answered from the note, not run again",
  ignore,
}, async () => {
  await using redis = await startRedis();
  await using client = await connectRedis(redis.url);
  await using oldBlocking = await connectRedis(redis.url);
  await using newBlocking = await connectRedis(redis.url);
  await using edgeBlocking = await connectRedis(redis.url);
  await using followerClient = await connectRedis(redis.url);
  await using supervisor = new Supervisor();
  const edge = new CommandClient(client, { node: "edge-1", deadlineMs: 20_000 });
  supervisor.spawn("replies", (signal) => edge.run(edgeBlocking, signal));

  // The old world: runs the move, records its event and the note, then dies while saving.
  const writer = new EventLogWriter(client, { historyMs: 60_000 });
  const bus = new EventBus({ onOperation: (operation) => writer.record(operation) });
  bus.open("ann");
  supervisor.spawn("writer", (signal) => writer.run(signal));
  const moved = record("arkham.garrison_st", "2026-11-27T10:00:01.000Z");
  const dying = Promise.withResolvers<void>();
  const oldWorld = new CommandServer(client, (request) => {
    bus.publish(say("Ann", request.command), { to: "player", key: "ann" });
    return Promise.resolve<CommandOutcome>({ accepted: true });
  }, {
    node: "world-1",
    flushed: () => writer.flushed(),
    ran: (answers) => writer.recordAnswered({ answers, players: [moved] }),
    // The save does not finish before the next world takes over: as if killed there.
    saved: () => dying.promise,
  });
  supervisor.spawn("old world", (signal) => oldWorld.run(oldBlocking, signal));
  const answer = edge.send({ key: "k1", account: "ann", command: "north" });

  // A standby follows the stream, notes included.
  const notes = new TakeoverNotes();
  const follower = new EventLogReader(followerClient, new EventBus({ firstId: 1 }), {
    onAnswered: (note) => notes.note(note),
  });
  await waitFor(async () => {
    await follower.readOnce();
    return notes.answerOf("k1");
  }, { message: "the note to reach the standby" });

  // The next world claims the pending request and answers it from the note.
  const ran: string[] = [];
  const newWorld = new CommandServer(client, (request) => {
    ran.push(request.command);
    return Promise.resolve<CommandOutcome>({ accepted: true });
  }, {
    node: "world-2",
    flushed: () => Promise.resolve(),
    earlier: (key) => notes.answerOf(key),
  });
  supervisor.spawn("new world", (signal) => newWorld.run(newBlocking, signal));
  assertEquals(await answer, { accepted: true });
  assertEquals(ran, [], "not run a second time");
  // And the player is taken as noted, not as last saved.
  const saved = record("arkham.station", "2026-11-27T10:00:00.000Z");
  assertEquals(notes.newest(saved).room, "arkham.garrison_st");
  assertEquals(
    notes.newest({ ...saved, updatedAt: "2026-11-27T10:00:02.000Z" }).room,
    "arkham.station",
  );
  // (The old world, stuck in its save as if killed there, may finish now.)
  dying.resolve();
});

Deno.test("notes keep at most their limit of answers, the oldest going first", () => {
  const notes = new TakeoverNotes(2);
  notes.note({ answers: [["a", "1"], ["b", "2"]], players: [] });
  notes.note({ answers: [["c", "3"]], players: [] });
  assertEquals([notes.answerOf("a"), notes.answerOf("b"), notes.answerOf("c")], [
    undefined,
    "2",
    "3",
  ]);
  assertEquals(notes.answers, 2);
});
