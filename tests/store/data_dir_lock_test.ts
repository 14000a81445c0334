import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { DataDirLockedError, lockDataDir } from "../../lib/store/data_dir_lock.ts";
import { spawnServer } from "../support/process.ts";
import { tempDir } from "../support/temp_dir.ts";

Deno.test("lockDataDir() lets one holder in; the next is refused with the holder's pid until it lets go", async () => {
  await using dir = await tempDir();
  {
    using _held = await lockDataDir(dir.path);
    const error = await assertRejects(() => lockDataDir(dir.path), DataDirLockedError);
    assertEquals((error as DataDirLockedError).pid, Deno.pid);
  }
  using _again = await lockDataDir(dir.path);
});

Deno.test("a second server on the same data directory exits 2 naming the directory and the other pid", async () => {
  await using dir = await tempDir();
  await using first = spawnServer({ env: { MYTHOS_DATA_DIR: dir.path } });
  await first.waitForLog((line) => line.msg === "listening");
  await using second = spawnServer({ env: { MYTHOS_DATA_DIR: dir.path } });
  const status = await second.exited();
  assertEquals(status.code, 2);
  const line = second.logs.find((entry) => entry.level === "error");
  assertStringIncludes(String(line?.msg), dir.path);
  assertStringIncludes(String(line?.msg), `pid ${first.child.pid}`);
});
