/**
 * Test-only packages stay out of what `deno task start` fetches: Deno installs every npm package
 * in deno.json's imports and in deno.lock before running anything, so those two must name only
 * what the server uses. The tests keep their own lockfile, tests/deno.lock.
 */

import { assertEquals } from "@std/assert";

const TEST_ONLY = ["playwright-core", "axe-core"];

Deno.test("deno.json and deno.lock name no test-only package; tests/deno.lock pins them", async () => {
  const root = new URL("../../", import.meta.url);
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  const serverLock = await Deno.readTextFile(new URL("deno.lock", root));
  const testLock = await Deno.readTextFile(new URL("tests/deno.lock", root));
  for (const name of TEST_ONLY) {
    assertEquals(
      Object.values(config.imports as Record<string, string>).some((to) => to.includes(name)),
      false,
      `${name} is not in deno.json's imports`,
    );
    assertEquals(
      serverLock.includes(`${name}@`),
      false,
      `${name} is not in deno.lock (run the tests with deno task test, which uses tests/deno.lock; git checkout deno.lock)`,
    );
    assertEquals(testLock.includes(`"npm:${name}@`), true, `tests/deno.lock pins ${name}`);
  }
});
