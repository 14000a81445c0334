import { assertEquals } from "@std/assert";
import { TokenBucket } from "../../lib/game/rate_limit.ts";

Deno.test("the token bucket allows a burst, then the steady rate, and says how long to wait", () => {
  let now = 0;
  const bucket = new TokenBucket(10, 3, () => now);
  assertEquals([bucket.take(), bucket.take(), bucket.take()], [0, 0, 0]);
  assertEquals(bucket.take(), 100);
  now += 100;
  assertEquals(bucket.take(), 0);
  now += 10_000;
  assertEquals([bucket.take(), bucket.take(), bucket.take(), bucket.take() > 0], [0, 0, 0, true]);
});
