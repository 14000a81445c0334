/**
 * The single process's memory of idempotency keys: bounded, per account, refusals forgotten.
 */

import { assertEquals } from "@std/assert";
import type { Submission } from "../../lib/game/game.ts";
import { RecentCommands } from "../../lib/game/recent_commands.ts";

function countingRunner(answer: (n: number) => Submission) {
  const ran: string[] = [];
  return {
    ran,
    submit: (accountId: string, command: string) => {
      ran.push(`${accountId}:${command}`);
      return Promise.resolve(answer(ran.length));
    },
  };
}

Deno.test("a key is answered once per account; a refused try is not remembered", async () => {
  const runner = countingRunner((n) =>
    n === 1 ? { accepted: false, reason: "rate_limited", retryAfterMs: 100 } : { accepted: true }
  );
  const recent = new RecentCommands(runner);
  assertEquals((await recent.submit("ann", "north", { idempotencyKey: "k1" })).accepted, false);
  assertEquals(await recent.submit("ann", "north", { idempotencyKey: "k1" }), { accepted: true });
  assertEquals(await recent.submit("ann", "north", { idempotencyKey: "k1" }), { accepted: true });
  assertEquals(await recent.submit("bob", "north", { idempotencyKey: "k1" }), { accepted: true });
  await recent.submit("ann", "look");
  await recent.submit("ann", "look");
  assertEquals(runner.ran, ["ann:north", "ann:north", "bob:north", "ann:look", "ann:look"]);
});

Deno.test("keys are forgotten after their time and beyond the limit, oldest first", async () => {
  let now = 0;
  const runner = countingRunner(() => ({ accepted: true }));
  const recent = new RecentCommands(runner, { ttlMs: 1000, maxKeys: 3, now: () => now });
  for (const key of ["a", "b", "c", "d"]) {
    await recent.submit("ann", key, { idempotencyKey: key });
  }
  assertEquals(recent.size, 3, "at most maxKeys");
  await recent.submit("ann", "a", { idempotencyKey: "a" });
  assertEquals(runner.ran.length, 5, "the oldest was forgotten");
  now = 5000;
  await recent.submit("ann", "e", { idempotencyKey: "e" });
  assertEquals(recent.size, 1, "expired keys go as new ones come");
});
