import { assertEquals } from "@std/assert";
import {
  AttemptLimiter,
  FIRST_DELAY_MS,
  LoginThrottle,
  MAX_DELAY_MS,
} from "../../lib/accounts/throttle.ts";

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

Deno.test("LoginThrottle slows one name from one address with doubling delays, and never another address", () => {
  let now = 0;
  const throttle = new LoginThrottle({
    perAddressPerMinute: 1000,
    failuresPerName: 2,
    now: () => now,
  });
  const stranger = "203.0.113.9";
  const owner = "198.51.100.7";
  for (let i = 0; i < 2; i++) {
    assertEquals(throttle.attempt(stranger, "Bob"), 0);
    throttle.failed(stranger, "Bob");
  }
  assertEquals(throttle.attempt(stranger, "BOB"), FIRST_DELAY_MS, "any case of the name");
  assertEquals(throttle.attempt(owner, "bob"), 0, "the owner's address is not slowed");
  now += FIRST_DELAY_MS;
  assertEquals(throttle.attempt(stranger, "bob"), 0);
  throttle.failed(stranger, "bob");
  assertEquals(throttle.attempt(stranger, "bob"), 2 * FIRST_DELAY_MS, "the delay doubles");
  for (let i = 0; i < 40; i++) throttle.failed(stranger, "bob");
  assertEquals(throttle.attempt(stranger, "bob"), MAX_DELAY_MS, "up to a bound");
  throttle.succeeded(owner, "bob");
  assertEquals(
    throttle.attempt(stranger, "bob"),
    MAX_DELAY_MS,
    "the owner's login clears only their own",
  );
  now += MAX_DELAY_MS;
  throttle.sweep();
  assertEquals(throttle.attempt(stranger, "bob"), 0, "failures are forgotten after 15 minutes");
});

Deno.test("LoginThrottle limits attempts per address across names, and sweeps what has expired", () => {
  let now = 0;
  const throttle = new LoginThrottle({
    perAddressPerMinute: 3,
    failuresPerName: 5,
    now: () => now,
  });
  assertEquals([1, 2, 3].map((i) => throttle.attempt("1.2.3.4", `n${i}`)), [0, 0, 0]);
  assertEquals(throttle.attempt("1.2.3.4", "other") > 0, true);
  assertEquals(throttle.attempt("5.6.7.8", "other"), 0);
  now += 60_000;
  throttle.sweep();
  assertEquals(throttle.size, 0, "swept entries free their memory");
});
