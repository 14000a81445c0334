import { assertEquals } from "@std/assert";
import { COUNTDOWN_TASK } from "../../lib/game/shutdown_countdown.ts";
import { startTestServer } from "../support/server.ts";

Deno.test("docs/tasks.md lists exactly the tasks a running server registers", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/tasks.md", import.meta.url));
  const documented = [...doc.matchAll(/^\| `([a-z][a-z.-]*)`\s*\|/gm)].map((match) => match[1])
    .sort();
  await using test = await startTestServer();
  // The countdown task runs only while an admin's shutdown is pending.
  const running = test.server.supervisor.tasks().map((task) => task.name);
  assertEquals(documented, [...running, COUNTDOWN_TASK].sort());
});
