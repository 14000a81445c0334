/**
 * Supervisor figures for `/metrics`.
 *
 * @module
 */

import { gauge, type Metric } from "../metrics.ts";
import type { Supervisor, TaskState } from "./supervisor.ts";

const STATES: TaskState[] = ["running", "stopping", "restarting", "stopped", "failed"];

/** Tasks by state, restarts per task, and uptime. */
export function supervisorMetrics(supervisor: Supervisor): Metric[] {
  const tasks = supervisor.tasks();
  const failed = supervisor.failedTasks();
  const byState = new Map<TaskState, number>(STATES.map((state) => [state, 0]));
  for (const task of tasks) byState.set(task.state, (byState.get(task.state) ?? 0) + 1);
  byState.set("failed", failed.length);
  const restarts = new Map<string, number>();
  for (const task of [...tasks, ...failed]) {
    restarts.set(task.name, (restarts.get(task.name) ?? 0) + task.restarts);
  }
  return [
    gauge(
      "mythos_uptime_seconds",
      "Seconds since the server started",
      Math.floor(supervisor.uptimeMs / 1000),
    ),
    gauge(
      "mythos_ready",
      "1 while the server accepts new work, 0 while starting or shutting down",
      supervisor.ready ? 1 : 0,
    ),
    {
      name: "mythos_tasks",
      help: "Supervised tasks by state (failed counts the most recent failures kept)",
      type: "gauge",
      samples: [...byState].map(([state, value]) => ({ labels: { state }, value })),
    },
    {
      name: "mythos_task_restarts_total",
      help: "Restarts after failures, per task name",
      type: "counter",
      samples: [...restarts].map(([task, value]) => ({ labels: { task }, value })),
    },
  ];
}
