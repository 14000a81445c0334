import { assert, assertEquals, assertGreaterOrEqual, assertThrows } from "@std/assert";
import { Supervisor } from "../../lib/lifecycle/supervisor.ts";
import { countListeners } from "../support/listeners.ts";
import { waitFor } from "../support/wait.ts";

/** A task body that runs until its signal aborts. */
function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true })
  );
}

Deno.test("spawn() registers the task before it runs and removes it when it ends", async () => {
  await using supervisor = new Supervisor();
  const release = Promise.withResolvers<void>();
  const handle = supervisor.spawn("worker", () => release.promise);
  assertEquals(supervisor.tasks().map((task) => [task.name, task.state]), [["worker", "running"]]);
  release.resolve();
  await handle.done;
  assertEquals(supervisor.tasks(), []);
});

Deno.test("shutdown aborts every task's signal and awaits the tasks", async () => {
  const supervisor = new Supervisor();
  let sawAbort = 0;
  for (const name of ["clock", "npcs"]) {
    supervisor.spawn(name, async (signal) => {
      await untilAborted(signal);
      sawAbort++;
    });
  }
  const report = await supervisor.shutdown({ reason: "test" });
  assertEquals(sawAbort, 2);
  assertEquals(report.tasksStopped.map((task) => task.name).sort(), ["clock", "npcs"]);
  assertEquals(report.exitCode, 0);
  assertEquals(report.deadlineHit, false);
  assertEquals(supervisor.tasks(), []);
  assert(supervisor.signal.aborted, "the root signal aborts during shutdown");
});

Deno.test("stop() aborts one task and resolves when it has ended", async () => {
  await using supervisor = new Supervisor();
  const first = supervisor.spawn("first", untilAborted);
  supervisor.spawn("second", untilAborted);
  await first.stop();
  assertEquals(supervisor.tasks().map((task) => task.name), ["second"]);
  assertEquals(supervisor.signal.aborted, false);
});

Deno.test("a failing task is restarted with growing backoff and keeps its last error", async () => {
  await using supervisor = new Supervisor();
  const starts: number[] = [];
  const handle = supervisor.spawn("flaky", async (signal) => {
    starts.push(performance.now());
    if (starts.length <= 3) throw new Error(`failure ${starts.length}`);
    await untilAborted(signal);
  }, { backoffInitialMs: 10, backoffMaxMs: 1000 });
  await waitFor(() => starts.length === 4, { message: "the fourth start" });
  const [info] = supervisor.tasks();
  assertEquals(info?.restarts, 3);
  assertEquals(info?.lastError, "Error: failure 3");
  assertEquals(info?.state, "running");
  const gaps = starts.slice(1).map((time, i) => time - (starts[i] ?? 0));
  assertGreaterOrEqual(gaps[0], 9);
  assertGreaterOrEqual(gaps[1], 19);
  assertGreaterOrEqual(gaps[2], 39);
  await handle.stop();
});

Deno.test("a task that fails beyond its restart budget is marked failed and removed", async () => {
  await using supervisor = new Supervisor();
  let runs = 0;
  const handle = supervisor.spawn("doomed", () => {
    runs++;
    return Promise.reject(new Error("always"));
  }, { maxRestarts: 2, backoffInitialMs: 1 });
  await handle.done;
  assertEquals(runs, 3);
  assertEquals(supervisor.tasks(), []);
  const [failed] = supervisor.failedTasks();
  assertEquals(failed?.name, "doomed");
  assertEquals(failed?.state, "failed");
  assertEquals(failed?.restarts, 2);
  assertEquals(supervisor.state, "starting", "a non-critical failure does not shut down");
});

Deno.test("a critical task that fails beyond its budget shuts the process down with exit 1", async () => {
  const supervisor = new Supervisor();
  supervisor.spawn("bystander", untilAborted);
  supervisor.spawn("heart", () => Promise.reject(new Error("stopped beating")), {
    critical: true,
    maxRestarts: 1,
    backoffInitialMs: 1,
  });
  const report = await supervisor.finished;
  assertEquals(report.exitCode, 1);
  assertEquals(report.reason, "critical task heart failed");
  assertEquals(report.tasksStopped.map((task) => task.name), ["bystander"]);
});

Deno.test("shutdown names a task that overruns the deadline and exits non-zero", async () => {
  const supervisor = new Supervisor({ shutdownDeadlineMs: 50 });
  const release = Promise.withResolvers<void>();
  const stubborn = supervisor.spawn("stubborn", () => release.promise);
  supervisor.spawn("polite", untilAborted);
  const ranPersist = { value: false };
  supervisor.onShutdown("persist", "save", () => {
    ranPersist.value = true;
  });
  const report = await supervisor.shutdown();
  assertEquals(report.deadlineHit, true);
  assertEquals(report.exitCode, 1);
  assertEquals(report.overrun, ["task:stubborn"]);
  assertEquals(report.tasksStopped.map((task) => task.name), ["polite"]);
  assertEquals(ranPersist.value, false, "phases after the deadline are skipped");
  assertEquals(report.phases.persist, undefined);
  release.resolve();
  await stubborn.done;
});

Deno.test("shutdown() called twice returns the same promise", async () => {
  const supervisor = new Supervisor();
  const first = supervisor.shutdown({ reason: "one" });
  const second = supervisor.shutdown({ reason: "two" });
  assert(first === second);
  assertEquals((await first).reason, "one");
  assert((await supervisor.finished) === (await first));
});

Deno.test("shutdown runs the phases in order, times each, and sums the hooks' counts", async () => {
  const supervisor = new Supervisor();
  const order: string[] = [];
  supervisor.spawn("loop", async (signal) => {
    await untilAborted(signal);
    order.push("task stopped");
  });
  supervisor.onShutdown("close", "http", () => {
    order.push("close");
  });
  supervisor.onShutdown("persist", "players", () => {
    order.push("persist");
    return { playersSaved: 2 };
  });
  supervisor.onShutdown("streams", "sse", async () => {
    await Promise.resolve();
    order.push("streams");
    return { streamsClosed: 3 };
  });
  supervisor.onShutdown("accept", "gate", () => {
    assertEquals(supervisor.ready, false, "readiness is false before the first phase runs");
    order.push("accept");
  });
  supervisor.onShutdown("persist", "world", () => ({ playersSaved: 1 }));
  supervisor.markReady();
  const report = await supervisor.shutdown();
  assertEquals(order, ["accept", "streams", "task stopped", "persist", "close"]);
  assertEquals(Object.keys(report.phases), ["accept", "streams", "tasks", "persist", "close"]);
  for (const ms of Object.values(report.phases)) assertGreaterOrEqual(ms, 0);
  assertEquals(report.counts, { streamsClosed: 3, playersSaved: 3 });
  assertEquals(supervisor.state, "stopped");
});

Deno.test("a failing shutdown hook is reported and the later phases still run", async () => {
  const supervisor = new Supervisor();
  let closed = false;
  supervisor.onShutdown("persist", "broken save", () => {
    throw new Error("disk full");
  });
  supervisor.onShutdown("close", "store", () => {
    closed = true;
  });
  const report = await supervisor.shutdown();
  assertEquals(report.errors, ["persist:broken save: Error: disk full"]);
  assertEquals(closed, true);
  assertEquals(report.exitCode, 1);
});

Deno.test("a disposed hook handle no longer runs", async () => {
  const supervisor = new Supervisor();
  let ran = false;
  {
    using _hook = supervisor.onShutdown("persist", "temporary", () => {
      ran = true;
    });
  }
  await supervisor.shutdown();
  assertEquals(ran, false);
});

Deno.test("await using shuts the supervisor down at the end of the scope", async () => {
  let signal: AbortSignal | undefined;
  {
    await using supervisor = new Supervisor();
    supervisor.spawn("scoped", (taskSignal) => {
      signal = taskSignal;
      return untilAborted(taskSignal);
    });
  }
  assertEquals(signal?.aborted, true);
});

Deno.test("spawn() after shutdown has begun throws", async () => {
  const supervisor = new Supervisor();
  await supervisor.shutdown();
  assertThrows(() => supervisor.spawn("late", untilAborted), Error, "shutdown has begun");
});

Deno.test("markReady() makes the supervisor ready until shutdown begins", async () => {
  const supervisor = new Supervisor();
  assertEquals([supervisor.state, supervisor.ready], ["starting", false]);
  supervisor.markReady();
  assertEquals([supervisor.state, supervisor.ready], ["ready", true]);
  const done = supervisor.shutdown();
  assertEquals([supervisor.state, supervisor.ready], ["stopping", false]);
  await done;
  assertEquals(supervisor.state, "stopped");
});

Deno.test("10,000 spawn and finish cycles leave no listener on the root signal", async () => {
  await using supervisor = new Supervisor();
  using listeners = countListeners(supervisor.signal);
  for (let i = 0; i < 10_000; i++) {
    const handle = supervisor.spawn(`cycle-${i % 10}`, async (signal) => {
      await Promise.resolve(signal.aborted);
    });
    if (i % 2 === 0) await handle.stop();
    else await handle.done;
  }
  assertEquals(listeners.count, 0);
  assertEquals(supervisor.tasks(), []);
});
