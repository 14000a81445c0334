import { assertEquals } from "@std/assert";
import { CommandGate } from "../../lib/game/command_gate.ts";

Deno.test("CommandGate keeps an account's bucket until it has refilled, then forgets it", () => {
  let now = 0;
  const gate = new CommandGate({ ratePerSecond: 10, burst: 2, now: () => now });
  assertEquals([gate.admit("ann"), gate.admit("ann"), gate.admit("ann")], [0, 0, 100]);
  gate.sweep();
  assertEquals(gate.size, 1, "an emptied bucket is kept");
  now += 150;
  gate.sweep();
  assertEquals(gate.size, 1, "a half-refilled bucket is kept");
  now += 100;
  gate.sweep();
  assertEquals(gate.size, 0, "a full bucket is the same as none");
});

Deno.test("CommandGate runs one account's commands in order, and a failure stops none after it", async () => {
  const gate = new CommandGate({ ratePerSecond: 10, burst: 10 });
  const ran: string[] = [];
  const first = Promise.withResolvers<void>();
  const a = gate.run("ann", async () => {
    await first.promise;
    ran.push("a");
  });
  const b = gate.run("ann", () => Promise.reject(new Error("b failed")));
  const c = gate.run("ann", () => {
    ran.push("c");
    return Promise.resolve();
  });
  first.resolve();
  await a;
  const failed = await b.then(() => "resolved", (error) => error.message);
  await c;
  assertEquals([ran, failed], [["a", "c"], "b failed"]);
});
