import { assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { Supervisor } from "../../lib/lifecycle/supervisor.ts";
import { supervisorMetrics } from "../../lib/lifecycle/supervisor_metrics.ts";
import { processMetrics } from "../../lib/metrics.ts";
import { adminRoutes } from "../../routes/admin.ts";

const TOKEN = "admin-token-for-tests-1234";

function routes(supervisor: Supervisor, adminToken: string | undefined) {
  return adminRoutes({
    supervisor,
    adminToken,
    status: () => ({ streams: { open: 0 } }),
    metrics: () => [...processMetrics(), ...supervisorMetrics(supervisor)],
  });
}

const auth = { headers: { authorization: `Bearer ${TOKEN}` } };

Deno.test("admin routes answer 404 when no admin token is configured", async () => {
  await using supervisor = new Supervisor();
  const app = routes(supervisor, undefined);
  assertEquals((await app.request("/admin/status", auth)).status, 404);
  assertEquals((await app.request("/metrics", auth)).status, 404);
});

Deno.test("admin routes answer 401 without the right bearer token", async () => {
  await using supervisor = new Supervisor();
  const app = routes(supervisor, TOKEN);
  const attempts: Record<string, string>[] = [
    {},
    { authorization: "Bearer wrong-token" },
    { authorization: TOKEN },
  ];
  for (const headers of attempts) {
    const response = await app.request("/admin/status", { headers });
    assertEquals(response.status, 401);
    assertEquals((await response.json()).error.code, "unauthorized");
  }
  assertEquals((await app.request("/metrics")).status, 401);
});

Deno.test("GET /admin/status gives uptime, memory and every task with its state", async () => {
  await using supervisor = new Supervisor();
  supervisor.markReady();
  supervisor.spawn(
    "world.clock",
    (signal) =>
      new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true })),
  );
  const response = await routes(supervisor, TOKEN).request("/admin/status", auth);
  assertEquals(response.status, 200);
  const status = await response.json();
  assertEquals(status.state, "ready");
  assertEquals(typeof status.uptimeMs, "number");
  assertEquals(typeof status.memory.rss, "number");
  assertEquals(status.tasks.length, 1);
  assertEquals(status.tasks[0].name, "world.clock");
  assertEquals(status.tasks[0].state, "running");
  assertEquals(status.tasks[0].restarts, 0);
  assertMatch(status.tasks[0].startedAt, /^\d{4}-/);
  assertEquals(status.streams, { open: 0 });
});

Deno.test("GET /metrics gives Prometheus text with memory, tasks by state and restarts", async () => {
  await using supervisor = new Supervisor();
  supervisor.spawn(
    "npc.loop",
    (signal) =>
      new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true })),
  );
  const response = await routes(supervisor, TOKEN).request("/metrics", auth);
  assertEquals(response.status, 200);
  assertStringIncludes(response.headers.get("content-type") ?? "", "text/plain; version=0.0.4");
  const text = await response.text();
  assertMatch(text, /^mythos_process_resident_memory_bytes \d+$/m);
  assertStringIncludes(text, '# TYPE mythos_tasks gauge\nmythos_tasks{state="running"} 1\n');
  assertStringIncludes(text, 'mythos_task_restarts_total{task="npc.loop"} 0');
});
