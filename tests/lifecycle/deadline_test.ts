import { assertEquals } from "@std/assert";
import { Deadline, settlesBefore } from "../../lib/lifecycle/deadline.ts";
import { countListeners } from "../support/listeners.ts";

Deno.test("Deadline.race() is true when the work settles first", async () => {
  using deadline = new Deadline(5000);
  assertEquals(await deadline.race(Promise.resolve()), true);
  assertEquals(await deadline.race(Promise.reject(new Error("counted as settled"))), true);
  assertEquals(deadline.signal.aborted, false);
});

Deno.test("Deadline.race() is false when the deadline passes first", async () => {
  using deadline = new Deadline(10);
  const never = Promise.withResolvers<void>();
  assertEquals(await deadline.race(never.promise), false);
  assertEquals(deadline.signal.aborted, true);
  assertEquals((deadline.signal.reason as DOMException).name, "TimeoutError");
});

Deno.test("settlesBefore() removes its abort listener either way", async () => {
  const controller = new AbortController();
  using listeners = countListeners(controller.signal);
  for (let i = 0; i < 100; i++) await settlesBefore(Promise.resolve(), controller.signal);
  assertEquals(listeners.count, 0);
  const pending = settlesBefore(new Promise(() => {}), controller.signal);
  assertEquals(listeners.count, 1);
  controller.abort();
  assertEquals(await pending, false);
  assertEquals(listeners.count, 0);
});
