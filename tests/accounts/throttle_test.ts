import { assertEquals } from "@std/assert";
import { AttemptLimiter, LoginThrottle } from "../../lib/accounts/throttle.ts";

Deno.test("AttemptLimiter allows its limit per window and forgets old attempts", () => {
  let now = 0;
  const limiter = new AttemptLimiter({ limit: 2, windowMs: 1000, now: () => now });
  limiter.record("k");
  limiter.record("k");
  assertEquals(limiter.retryAfterMs("k"), 1000);
  now = 600;
  assertEquals(limiter.retryAfterMs("k"), 400);
  now = 1000;
  assertEquals(limiter.retryAfterMs("k"), 0);
  limiter.sweep();
  assertEquals(limiter.size, 0, "swept entries free their memory");
});

Deno.test("LoginThrottle counts failures per name (any case) and attempts per address", () => {
  let now = 0;
  const throttle = new LoginThrottle({
    perAddressPerMinute: 100,
    failuresPerName: 2,
    now: () => now,
  });
  assertEquals(throttle.attempt("1.2.3.4", "Ann"), 0);
  throttle.failed("Ann");
  throttle.failed("ANN");
  assertEquals(throttle.attempt("5.6.7.8", "ann") > 0, true, "a new address does not help");
  now += 15 * 60_000;
  assertEquals(throttle.attempt("5.6.7.8", "ann"), 0);
  throttle.succeeded("ann");
  throttle.sweep();
  assertEquals(throttle.size, 1, "only the address entry is left");
});
