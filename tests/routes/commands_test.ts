/**
 * `POST /api/commands` with an `Idempotency-Key`: a retry after a lost answer never runs twice.
 */

import { assertEquals } from "@std/assert";
import { playersInWorld, TestPlayer } from "../support/player.ts";
import { startTestServer } from "../support/server.ts";

Deno.test("a command sent again with the same Idempotency-Key is answered as before and runs once; a malformed key is refused", async () => {
  await using test = await startTestServer();
  const [ann, bob] = await playersInWorld(test.url, "Ann", "Bob") as [TestPlayer, TestPlayer];
  await using _ann = ann;
  await using _bob = bob;
  const key = { "idempotency-key": "0123456789abcdef0123456789abcdef" };
  for (let i = 0; i < 3; i++) {
    const response = await bob.send("say only once", key);
    assertEquals([response.status, await response.json()], [202, { accepted: true }]);
  }
  // Another player's key is another command, and so is a new key.
  await ann.do("say hello");
  const fresh = await bob.send("say only once", { "idempotency-key": "another-key-0001" });
  assertEquals(fresh.status, 202);
  await fresh.body?.cancel();

  const bad = await bob.send("say never", { "idempotency-key": "no spaces <allowed>" });
  assertEquals(bad.status, 400);
  assertEquals((await bad.json()).error.code, "bad_idempotency_key");

  const heard: string[] = [];
  while (heard.length < 3) {
    heard.push(String((await ann.expect("room.say", (data) => data.npc !== true)).text));
  }
  assertEquals(heard, ["only once", "hello", "only once"]);
});
