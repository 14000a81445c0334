import { assertEquals } from "@std/assert";
import plugin from "../../lib/lint/plugin.ts";

/** The rule ids `source` breaks when linted as `file`. */
function lint(file: string, source: string): string[] {
  return Deno.lint.runPlugin(plugin, file, source).map((diagnostic) => diagnostic.id);
}

const SERVER = "/project/lib/game/thing.ts";
const TEST = "/project/tests/game/thing_test.ts";

Deno.test("no-bare-timers flags setTimeout and setInterval outside lib/lifecycle/", () => {
  assertEquals(lint(SERVER, "setTimeout(() => {}, 10);"), ["mythos/no-bare-timers"]);
  assertEquals(lint("/project/routes/x.ts", "globalThis.setInterval(tick, 1000);"), [
    "mythos/no-bare-timers",
  ]);
  assertEquals(
    lint("/project/lib/lifecycle/deadline.ts", "const t = setTimeout(f, 10); clearTimeout(t);"),
    [],
  );
  assertEquals(
    lint("/project/static/js/app.js", "setTimeout(f, 10);"),
    [],
    "browser code keeps its timers",
  );
  assertEquals(lint(SERVER, "await delay(10, { signal });"), []);
});

Deno.test("listener-cleanup flags a listener that is never removed", () => {
  assertEquals(
    lint(SERVER, 'function f(signal) { signal.addEventListener("abort", onAbort); }'),
    ["mythos/listener-cleanup"],
  );
  assertEquals(
    lint(
      SERVER,
      'function f(signal) { signal.addEventListener("abort", () => go(), { once: true }); }',
    ),
    ["mythos/listener-cleanup"],
    "once alone still leaks until the event fires",
  );
  assertEquals(
    lint(SERVER, 'function f(s) { Deno.addSignalListener("SIGINT", stop); }'),
    ["mythos/listener-cleanup"],
  );
});

Deno.test("listener-cleanup accepts once with a signal, or a removal in the same function or class", () => {
  assertEquals(
    lint(SERVER, 'function f(t, signal) { t.addEventListener("x", h, { once: true, signal }); }'),
    [],
  );
  assertEquals(
    lint(
      SERVER,
      'async function f(s) { s.addEventListener("abort", h); try { await work(); } finally { s.removeEventListener("abort", h); } }',
    ),
    [],
  );
  assertEquals(
    lint(
      SERVER,
      'class C { constructor(s) { s.addEventListener("abort", this); } close() { this.s.removeEventListener("abort", this); } }',
    ),
    [],
  );
  assertEquals(
    lint(
      SERVER,
      'function f() { const l = () => {}; Deno.addSignalListener("SIGTERM", l); return () => Deno.removeSignalListener("SIGTERM", l); }',
    ),
    [],
  );
  assertEquals(
    lint(
      SERVER,
      'function f(s) { s.addEventListener("abort", a); s.removeEventListener("abort", b); }',
    ),
    ["mythos/listener-cleanup"],
    "removing a different listener does not count",
  );
});

Deno.test("no-floating-promise flags void calls, bare .then() and unhandled known async calls", () => {
  assertEquals(lint(SERVER, "void save();"), ["mythos/no-floating-promise"]);
  assertEquals(lint(SERVER, "work().then(done);"), ["mythos/no-floating-promise"]);
  assertEquals(lint(SERVER, "supervisor.shutdown();"), ["mythos/no-floating-promise"]);
  assertEquals(lint(SERVER, "game.leave(id, 'quit');"), ["mythos/no-floating-promise"]);
});

Deno.test("no-floating-promise accepts awaited, returned and handled promises", () => {
  assertEquals(lint(SERVER, "async function f() { await game.leave(id, 'quit'); }"), []);
  assertEquals(lint(SERVER, "function f() { return supervisor.shutdown(); }"), []);
  assertEquals(lint(SERVER, "supervisor.shutdown().catch(log);"), []);
  assertEquals(lint(SERVER, "work().then(done, fail);"), []);
  assertEquals(
    lint("/project/lib/lifecycle/supervisor.ts", "void this.shutdown();"),
    [],
    "the supervisor owns its own",
  );
  assertEquals(lint(TEST, "void save();"), [], "tests are not server code");
});

Deno.test("test-sanitizers flags a test that opts out of a sanitizer", () => {
  for (const option of ["sanitizeOps", "sanitizeResources", "sanitizeExit"]) {
    assertEquals(
      lint(TEST, `Deno.test({ name: "x", ${option}: false, fn() {} });`),
      ["mythos/test-sanitizers"],
      option,
    );
  }
  assertEquals(lint(TEST, 'Deno.test({ name: "x", sanitizeOps: true, fn() {} });'), []);
  assertEquals(
    lint(SERVER, "const options = { sanitizeOps: false };"),
    [],
    "only tests are held to it",
  );
});

Deno.test("no-sleep-in-tests flags sleeping in a test, not in the shared helpers", () => {
  assertEquals(lint(TEST, "await delay(100);"), ["mythos/no-sleep-in-tests"]);
  assertEquals(
    lint(TEST, "await new Promise((r) => setTimeout(r, 50));"),
    ["mythos/no-bare-timers", "mythos/no-sleep-in-tests"],
  );
  assertEquals(lint("/project/tests/support/wait.ts", "await delay(interval);"), []);
  assertEquals(lint(TEST, "await waitFor(() => ready, { timeout: 1000 });"), []);
});

Deno.test("the project's own code passes every rule", async () => {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["lint", "--json"],
    stdout: "piped",
    stderr: "piped",
  });
  const output = await command.output();
  const report = JSON.parse(new TextDecoder().decode(output.stdout));
  const mine = report.diagnostics.filter((d: { code: string }) => d.code.startsWith("mythos/"));
  assertEquals(mine, []);
});
