/**
 * Playing together: follow, parties, where, describe and score.
 */

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { testGame } from "../support/game.ts";

Deno.test("a follower walks with the leader, and a chain of followers with them; no circles", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  const bob = await test.join("Bob", "arkham.station");
  const cat = await test.join("Cat", "arkham.station");
  await bob.run("follow ann");
  await cat.run("follow bob");
  await ann.run("follow cat");
  assertEquals(ann.events().at(-1)?.data.code, "circle");
  bob.events();
  cat.events();
  await ann.run("north");
  assertEquals(
    [ann.state.room, bob.state.room, cat.state.room],
    Array(3).fill("arkham.garrison_st"),
  );
  const bobSaw = bob.events();
  assertEquals(
    bobSaw.find((event) => event.data.code === "following")?.data.text,
    "You follow Ann north.",
  );
  assert(bobSaw.some((event) => event.type === "room.look"), "the follower sees where they went");
  await bob.run("unfollow");
  cat.events();
  await ann.run("south");
  assertEquals([ann.state.room, bob.state.room, cat.state.room], [
    "arkham.station",
    "arkham.garrison_st",
    "arkham.garrison_st",
  ], "Bob stopped following; Cat still follows Bob");
  await bob.run("follow ann");
  assertEquals(bob.events().at(-1)?.data.code, "not_here");
  await bob.run("follow nobody");
  assertEquals(bob.events().at(-1)?.data.code, "no_such_player");
  await bob.run("unfollow");
  assertEquals(bob.events().at(-1)?.data.code, "not_following");
});

Deno.test("a party: invite, accept, party chat wherever members are, where, leave; saved with the character", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  const bob = await test.join("Bob", "mu.library");
  const eve = await test.join("Eve", "mu.library");
  await ann.run("party accept");
  assertEquals(ann.events().at(-1)?.data.code, "no_invitation");
  await ann.run("party hello?");
  assertEquals(ann.events().at(-1)?.data.code, "no_party");
  await ann.run("party invite bob");
  assertEquals(bob.events().at(-1)?.data.code, "party_invitation");
  await bob.run("party accept");
  const joined = { type: "party.say", data: { text: "Bob joins the party." } };
  assertEquals(ann.events().at(-1), joined);
  assertEquals(bob.events().at(-1), joined);
  await ann.run("party Meet me at the library");
  const said = { type: "party.say", data: { from: "Ann", text: "Meet me at the library" } };
  assertEquals(ann.events().at(-1), said);
  assertEquals(bob.events().at(-1), said);
  assertEquals(eve.events().filter((event) => event.type === "party.say"), [], "Eve is not in it");
  await ann.run("where");
  assertEquals(
    ann.events().at(-1)?.data.text,
    "Ann: Boston & Maine Depot\nBob: Orne Library Reading Room",
  );
  await bob.run("party invite ann");
  assertEquals(bob.events().at(-1)?.data.code, "already_member");
  assertEquals(
    test.game.world.record(bob.state, undefined).party,
    test.game.world.record(ann.state, undefined).party,
    "the party is saved with each member",
  );
  assert(test.game.world.dirtyPlayers().includes(bob.state));
  await bob.run("party leave");
  const afterLeaving = ann.events();
  assertEquals(afterLeaving.at(-2)?.data.text, "Bob leaves the party.");
  assertEquals(afterLeaving.at(-1), {
    type: "party.where",
    data: { members: [{ name: "Ann", room: "arkham.station" }] },
  }, "the map no longer shows Bob");
  assertEquals(bob.events().at(-1), { type: "party.where", data: { members: [] } });
  assertEquals(test.game.world.record(bob.state, undefined).party, undefined);
  await bob.run("where");
  assertEquals(bob.events().at(-1)?.data.code, "no_party");
});

Deno.test("describe sets what look shows of a character, within a limit; score sums a character up", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  const bob = await test.join("Bob", "arkham.station");
  await ann.run("describe A tall woman in a green coat, clutching a notebook.");
  assertStringIncludes(String(ann.events().at(-1)?.data.text), "green coat");
  bob.events();
  await bob.run("look ann");
  assertEquals(
    bob.events().at(-1)?.data.text,
    "A tall woman in a green coat, clutching a notebook. Ann looks alert and steady.",
  );
  await ann.run(`describe ${"x".repeat(301)}`);
  assertEquals(ann.events().at(-1)?.data.code, "too_long");
  assertEquals(
    test.game.world.record(ann.state, undefined).description,
    "A tall woman in a green coat, clutching a notebook.",
  );
  await ann.run("score");
  const score = ann.events().at(-1)?.data;
  assertEquals(score?.code, "score");
  assertStringIncludes(String(score?.text), "DP 20 of 20; lucidity 100 of 100.");
  assertStringIncludes(String(score?.text), "The Vanished Professor: 0 of 7 steps.");
  assertStringIncludes(String(score?.text), "In Boston & Maine Depot.");
  assertStringIncludes(String(score?.text), "In no party.");
});

Deno.test("party members hear where each other are when anyone in the party moves, joins, leaves or enters", async () => {
  await using test = await testGame();
  const ann = await test.join("Ann", "arkham.station");
  const bob = await test.join("Bob", "arkham.station");
  const wheres = (events: { type: string; data: Record<string, unknown> }[]) =>
    events.filter((event) => event.type === "party.where").map((event) => event.data.members);
  await ann.run("party invite bob");
  await bob.run("party accept");
  const together = [{ name: "Ann", room: "arkham.station" }, {
    name: "Bob",
    room: "arkham.station",
  }];
  assertEquals(wheres(ann.events()), [together]);
  assertEquals(wheres(bob.events()), [together]);
  await bob.run("north");
  const apart = [{ name: "Ann", room: "arkham.station" }, {
    name: "Bob",
    room: "arkham.garrison_st",
  }];
  assertEquals(wheres(ann.events()), [apart]);
  assertEquals(wheres(bob.events()), [apart]);
  const saved = test.game.world.record(bob.state, undefined);
  await test.game.leave(bob.state.id, "quit");
  assertEquals(wheres(ann.events()), [[{ name: "Ann", room: "arkham.station" }]]);
  await ann.run("look");
  assertEquals(wheres(ann.events()), [], "a look says nothing of the party");
  test.game.enter(saved);
  assertEquals(wheres(ann.events()), [apart], "back in the world, still in the party");
  assertEquals(test.game.world.partyOf(saved.party).map((member) => member.name), ["Ann", "Bob"]);
});
