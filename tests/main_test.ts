import { assert, assertEquals, assertLess, assertStringIncludes } from "@std/assert";
import { reachableAddresses, thisMachine } from "../lib/http/origins.ts";
import { present } from "./support/present.ts";
import { spawnServer } from "./support/process.ts";
import { startTestServer } from "./support/server.ts";
import { tempDir } from "./support/temp_dir.ts";

function isListening(line: Record<string, unknown>): boolean {
  return line.msg === "listening";
}

Deno.test("the server process serves /healthz and exits 0 with the shutdown report on SIGTERM", async () => {
  await using dir = await tempDir();
  await using server = spawnServer({
    env: { MYTHOS_DATA_DIR: dir.path, MYTHOS_SHUTDOWN_DEADLINE_MS: "3000" },
  });
  const listening = await server.waitForLog(isListening);
  const base = `http://127.0.0.1:${listening.port}`;
  const health = await fetch(`${base}/healthz`);
  assertEquals(await health.json(), { status: "ok" });
  const ready = await fetch(`${base}/readyz`);
  assertEquals([ready.status, await ready.json()], [200, { status: "ready" }]);

  server.child.kill("SIGTERM");
  const status = await server.exited();
  assertEquals(status.code, 0, server.stderr());
  const report = present(
    server.logs.find((line) => line.msg === "shutdown complete"),
    "the shutdown report",
  );
  assertEquals(report.reason, "SIGTERM");
  assertEquals(report.exitCode, 0);
  assertEquals(report.deadlineHit, false);
  assertEquals(Object.keys(report.phases as object), [
    "accept",
    "streams",
    "tasks",
    "persist",
    "close",
  ]);
  assertLess(report.totalMs as number, 3000);
  assertEquals(server.stderr(), "");
});

Deno.test("a second SIGINT during a slow shutdown exits 130 at once", async () => {
  await using dir = await tempDir();
  await using server = spawnServer({
    script: "tests/fixtures/slow_shutdown_server.ts",
    env: { MYTHOS_DATA_DIR: dir.path },
  });
  await server.waitForLog(isListening);
  server.child.kill("SIGINT");
  await server.waitForLog((line) => line.msg === "shutdown started");
  server.child.kill("SIGINT");
  const status = await server.exited();
  assertEquals(status.code, 130);
  assert(server.logs.some((line) => line.msg === "second signal received; exiting now"));
  assertEquals(server.logs.some((line) => line.msg === "shutdown complete"), false);
});

Deno.test("a bad setting stops start-up with exit 2 and a message naming the variable", async () => {
  await using server = spawnServer({ env: { MYTHOS_LOG_LEVEL: "shouty" } });
  const status = await server.exited();
  assertEquals(status.code, 2);
  const line = server.logs.find((record) => record.level === "error");
  assertEquals(line?.variable, "MYTHOS_LOG_LEVEL");
  assertStringIncludes(String(line?.msg), "must be one of debug, info, warn, error");
});

Deno.test("listening on all interfaces, the game accepts the machine's own addresses as origins and says where to open it", async () => {
  await using dir = await tempDir();
  await using server = spawnServer({ env: { MYTHOS_DATA_DIR: dir.path, MYTHOS_HOST: "0.0.0.0" } });
  const listening = await server.waitForLog(isListening);
  const told = await server.waitForLog((line) =>
    line.msg === "other devices on this network can open the game"
  );
  const lan = reachableAddresses(thisMachine()).find((address) => !address.includes(":"));
  if (lan === undefined) throw new Error("this test needs a machine with a network address");
  const origin = `http://${lan}:${listening.port}`;
  assert((told.open as string[]).includes(`${origin}/`));
  const register = (from: string) =>
    fetch(new URL("/api/accounts", origin), {
      method: "POST",
      headers: { origin: from, "content-type": "application/json" },
      body: JSON.stringify({
        name: from === origin ? "Keziah" : "Mason",
        password: "correct horse",
      }),
    });
  const fromLan = await register(origin);
  assertEquals(fromLan.status, 201, await fromLan.text());
  const foreign = await register("http://203.0.113.9:8000");
  assertEquals(foreign.status, 403, await foreign.text());
  server.child.kill("SIGTERM");
  assertEquals((await server.exited()).code, 0);
});

Deno.test("a port already in use stops start-up with exit 2 and one line naming MYTHOS_PORT", async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await using dir = await tempDir();
  await using server = spawnServer({
    env: { MYTHOS_DATA_DIR: dir.path, MYTHOS_PORT: String(taken.addr.port) },
  });
  const status = await server.exited();
  assertEquals(status.code, 2);
  const errors = server.logs.filter((record) => record.level === "error");
  assertEquals(errors.length, 1);
  assertEquals(errors[0]?.variable, "MYTHOS_PORT");
  assertStringIncludes(String(errors[0]?.msg), `Port ${taken.addr.port} is already in use`);
  assertEquals(server.stderr(), "", "no stack trace");
});

Deno.test("an in-process server answers over real HTTP and shuts down cleanly", async () => {
  await using test = await startTestServer();
  assertEquals(await test.fetch("/healthz").then((r) => r.json()), { status: "ok" });
  const report = await test.server.shutdown("test");
  assertEquals(report.exitCode, 0);
  const after = await fetch(new URL("/healthz", test.url)).catch((error) => error);
  assert(after instanceof TypeError, "the port is closed after shutdown");
});

Deno.test("a stop request delivered twice at once (deno task forwarding) still shuts down cleanly", async () => {
  await using dir = await tempDir();
  await using server = spawnServer({ env: { MYTHOS_DATA_DIR: dir.path } });
  await server.waitForLog(isListening);
  server.child.kill("SIGTERM");
  server.child.kill("SIGTERM");
  const status = await server.exited();
  assertEquals(status.code, 0, JSON.stringify(server.logs.slice(-6)) + server.stderr());
  assert(server.logs.some((line) => line.msg === "shutdown complete"));
});
