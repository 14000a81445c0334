import { assertEquals } from "@std/assert";
import { secretsEqual } from "../../lib/http/admin_auth.ts";

Deno.test("secretsEqual() compares secrets of any length", async () => {
  assertEquals(await secretsEqual("same-secret", "same-secret"), true);
  assertEquals(await secretsEqual("same-secret", "same-secreT"), false);
  assertEquals(await secretsEqual("short", "a much longer secret"), false);
  assertEquals(await secretsEqual("", ""), true);
});
