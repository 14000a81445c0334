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

/** The modules that reach the browser tests' packages, and who may import them. */
const BROWSER_MODULES = ["browser.ts", "axe.ts", "game_page.ts"];

Deno.test("only the browser tests reach the browser tests' packages", async () => {
  const root = new URL("../../", import.meta.url);
  const offenders: string[] = [];
  for (const dir of ["tests", "bench", "lib", "routes"]) {
    for await (const path of typeScriptFiles(new URL(`${dir}/`, root))) {
      const relative = path.slice(root.pathname.length);
      if (relative.startsWith("tests/e2e/")) continue;
      if (BROWSER_MODULES.some((name) => relative === `tests/support/${name}`)) continue;
      const source = await Deno.readTextFile(path);
      const imports = [...source.matchAll(/from "([^"]+)"/g)].map((match) => match[1] ?? "");
      if (
        imports.some((specifier) =>
          BROWSER_MODULES.some((name) => specifier.endsWith(`/${name}`)) ||
          specifier.startsWith("npm:playwright") || specifier.startsWith("npm:axe-core")
        )
      ) {
        offenders.push(relative);
      }
    }
  }
  assertEquals(offenders, [], "these would put playwright-core into deno.lock for every run");
});

async function* typeScriptFiles(dir: URL): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.isDirectory ? `${entry.name}/` : entry.name, dir);
    if (entry.isDirectory) yield* typeScriptFiles(url);
    else if (entry.name.endsWith(".ts")) yield url.pathname;
  }
}
