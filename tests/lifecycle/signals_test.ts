import { assertEquals } from "@std/assert";
import { DUPLICATE_WINDOW_MS, SignalCounter } from "../../lib/lifecycle/signals.ts";

Deno.test("the first signal starts shutdown; the same request delivered again is a duplicate", () => {
  let now = 1000;
  const counter = new SignalCounter(DUPLICATE_WINDOW_MS, () => now);
  assertEquals(counter.deliver(), "shutdown");
  now += 5;
  assertEquals(counter.deliver(), "duplicate");
  now += DUPLICATE_WINDOW_MS;
  assertEquals(counter.deliver(), "force");
  assertEquals(counter.deliver(), "force");
});

Deno.test("with no duplicate window every later signal forces", () => {
  const counter = new SignalCounter(0, () => 0);
  assertEquals(counter.deliver(), "shutdown");
  assertEquals(counter.deliver(), "force");
});
