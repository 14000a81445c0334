import { assert, assertEquals, assertMatch } from "@std/assert";
import { hashPassword, verifyPassword } from "../../lib/accounts/password.ts";

Deno.test("hashPassword() records its cost and salt; verifyPassword() checks it", async () => {
  const hash = await hashPassword("the colour out of space", 1000);
  assertMatch(hash, /^pbkdf2-sha256\$1000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert(await verifyPassword("the colour out of space", hash));
  assertEquals(await verifyPassword("the colour out of spacE", hash), false);
  assert(hash !== (await hashPassword("the colour out of space", 1000)), "a fresh salt each time");
});

Deno.test("verifyPassword() never matches a malformed hash", async () => {
  for (
    const stored of ["", "plain", "pbkdf2-sha256$x$a$b", "md5$1$a$b", "pbkdf2-sha256$10$!!$!!"]
  ) {
    assertEquals(await verifyPassword("anything", stored), false, stored);
  }
});
