/**
 * docs/testing.md says which tests cover the modules that have no test file of their own.
 */

import { assertEquals } from "@std/assert";

const ROOT = new URL("../../", import.meta.url);

async function files(dir: string, suffix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory) found.push(...await files(`${path}/`, suffix));
    else if (entry.name.endsWith(suffix)) found.push(path);
  }
  return found;
}

Deno.test("every module has a test file of its own or a row in docs/testing.md naming what covers it", async () => {
  const tests = new Set(
    (await files("tests/", "_test.ts")).map((path) =>
      path.split("/").at(-1)?.replace(/_test\.ts$/, "")
    ),
  );
  const doc = await Deno.readTextFile(new URL("docs/testing.md", ROOT));
  const section = doc.slice(
    doc.indexOf("<!-- covered-elsewhere -->"),
    doc.indexOf("<!-- /covered-elsewhere -->"),
  );
  const listed = [...section.matchAll(/^\| `([^`]+)`/gm)].map((match) => match[1] as string);
  const modules = [...await files("lib/", ".ts"), ...await files("routes/", ".ts")]
    .filter((path) => !path.startsWith("lib/lint/") && !path.startsWith("lib/cli/"));
  const uncovered = modules.filter((path) => {
    const name = path.split("/").at(-1)?.replace(/\.ts$/, "");
    return !tests.has(name) && !listed.includes(path);
  });
  assertEquals(uncovered, [], "modules with neither a test file nor a row in docs/testing.md");
  const stale = listed.filter((path) => !modules.includes(path));
  assertEquals(stale, [], "rows in docs/testing.md for modules that no longer exist");
});
