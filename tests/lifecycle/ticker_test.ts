import { assertEquals, assertRejects } from "@std/assert";
import { every } from "../../lib/lifecycle/ticker.ts";

Deno.test("every() calls its function until the signal aborts, then resolves", async () => {
  const controller = new AbortController();
  let calls = 0;
  await every(1, () => {
    calls++;
    if (calls === 3) controller.abort();
  }, { signal: controller.signal });
  assertEquals(calls, 3);
});

Deno.test("every() resolves at once when the signal is already aborted", async () => {
  let calls = 0;
  await every(1000, () => {
    calls++;
  }, { signal: AbortSignal.abort() });
  assertEquals(calls, 0);
});

Deno.test("every() rejects when its function throws, so the supervisor can restart it", async () => {
  const controller = new AbortController();
  await assertRejects(
    () =>
      every(1, () => {
        throw new Error("tick failed");
      }, { signal: controller.signal }),
    Error,
    "tick failed",
  );
});
