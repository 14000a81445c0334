/**
 * The task supervisor: one root of cancellation for the whole process.
 *
 * Every background loop runs as a task spawned here. A task is registered before it starts and
 * removed in `finally`; it receives its own `AbortSignal`, aborted when the task is stopped or when
 * shutdown reaches the `tasks` phase. The supervisor never adds a listener to the root signal, so
 * no number of spawned tasks can leave one behind.
 *
 * Shutdown runs the phases in {@linkcode SHUTDOWN_PHASES} in order, each timed, all bounded by one
 * deadline, and resolves with a {@linkcode ShutdownReport}.
 *
 * @module
 */

import { delay } from "@std/async/delay";
import { errorFields, type Logger, silentLogger } from "../log.ts";
import { Deadline } from "./deadline.ts";

/** Where a task is in its life. */
export type TaskState = "running" | "stopping" | "stopped" | "failed" | "restarting";

/** The body of a task: runs until `signal` aborts, or until its work is done. */
export type TaskFn = (signal: AbortSignal) => Promise<void>;

/** How a task is supervised. */
export interface TaskOptions {
  /** A critical task that fails beyond its restart budget shuts the process down (exit 1). */
  critical?: boolean;
  /** Restart after a failure; default `true`. */
  restart?: boolean;
  /** Restarts allowed within {@linkcode TaskOptions.restartWindowMs}; default 5. */
  maxRestarts?: number;
  /** The window the restart budget counts over, in milliseconds; default 60000. */
  restartWindowMs?: number;
  /** First restart delay in milliseconds, doubled per restart in the window; default 100. */
  backoffInitialMs?: number;
  /** Longest restart delay in milliseconds; default 10000. */
  backoffMaxMs?: number;
}

/** A snapshot of one task, for `/admin/status` and the metrics. */
export interface TaskInfo {
  /** The task's name as given to `spawn`. */
  name: string;
  /** Current state. */
  state: TaskState;
  /** When the task was spawned (ISO 8601). */
  startedAt: string;
  /** Restarts after failures so far. */
  restarts: number;
  /** The last failure, if any. */
  lastError: string | undefined;
  /** Whether the task's failure shuts the process down. */
  critical: boolean;
}

/** A running task. */
export interface TaskHandle {
  /** The task's name. */
  readonly name: string;
  /** Settles when the task has ended, however it ended; never rejects. */
  readonly done: Promise<void>;
  /** Aborts the task's signal and waits until it has ended. */
  stop(reason?: string): Promise<void>;
}

/** The shutdown phases, in the order they run. */
export const SHUTDOWN_PHASES = ["accept", "streams", "tasks", "persist", "close"] as const;

/** One of {@linkcode SHUTDOWN_PHASES}. */
export type ShutdownPhase = typeof SHUTDOWN_PHASES[number];

/** Figures a shutdown hook reports, summed into {@linkcode ShutdownReport.counts}. */
export type ShutdownCounts = Record<string, number>;

/** Work done in one shutdown phase. `signal` aborts when the shutdown deadline passes. */
export type ShutdownHook = (
  signal: AbortSignal,
) => void | ShutdownCounts | Promise<void | ShutdownCounts>;

/** A stopped task, as the shutdown report gives it. */
export interface StoppedTask {
  /** The task's name. */
  name: string;
  /** Milliseconds from its signal aborting to its end. */
  ms: number;
}

/** What a shutdown did, logged as one JSON line by `main.ts`. */
export interface ShutdownReport {
  /** Why the shutdown started (`SIGTERM`, `admin`, a failed critical task...). */
  reason: string;
  /** The exit code the process should end with. */
  exitCode: number;
  /** Milliseconds from the start of shutdown to the end of the last phase. */
  totalMs: number;
  /** The deadline in force. */
  deadlineMs: number;
  /** Whether the deadline passed before every phase finished. */
  deadlineHit: boolean;
  /** Milliseconds each phase took, in order; a phase skipped after the deadline is absent. */
  phases: Partial<Record<ShutdownPhase, number>>;
  /** Tasks stopped in the `tasks` phase, with how long each took. */
  tasksStopped: StoppedTask[];
  /** Tasks and hooks still running when the deadline passed (`task:<name>`, `<phase>:<hook>`). */
  overrun: string[];
  /** Hooks that failed, as `<phase>:<hook>: <message>`. */
  errors: string[];
  /** Figures the hooks reported (`streamsClosed`, `playersSaved`, ...). */
  counts: ShutdownCounts;
}

/** Options for a shutdown. */
export interface ShutdownOptions {
  /** Why; appears in the report. */
  reason?: string;
  /** Exit code when everything finishes in time; default 0. */
  exitCode?: number;
}

/** Where the process is in its life. */
export type SupervisorState = "starting" | "ready" | "stopping" | "stopped";

/** Options for {@linkcode Supervisor}. */
export interface SupervisorOptions {
  /** Hard bound on shutdown, in milliseconds; default 10000. */
  shutdownDeadlineMs?: number;
  /** Where task failures and shutdown progress are logged. */
  logger?: Logger;
}

interface TaskRecord {
  id: number;
  name: string;
  state: TaskState;
  startedAt: Date;
  restarts: number;
  restartTimes: number[];
  lastError: string | undefined;
  critical: boolean;
  controller: AbortController;
  done: Promise<void>;
  stopRequestedAt: number | undefined;
}

interface HookRecord {
  name: string;
  fn: ShutdownHook;
}

const FAILED_TASKS_KEPT = 20;

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Supervises background tasks and runs the ordered, bounded shutdown. */
export class Supervisor implements AsyncDisposable {
  readonly #root = new AbortController();
  readonly #tasks = new Map<number, TaskRecord>();
  readonly #failed: TaskInfo[] = [];
  readonly #hooks = new Map<ShutdownPhase, HookRecord[]>(
    SHUTDOWN_PHASES.map((phase) => [phase, []]),
  );
  readonly #finished = Promise.withResolvers<ShutdownReport>();
  readonly #logger: Logger;
  readonly #deadlineMs: number;
  readonly #startedAt = Date.now();
  #state: SupervisorState = "starting";
  #shutdown: Promise<ShutdownReport> | undefined;
  #nextId = 1;

  /** Creates a supervisor in the `starting` state. */
  constructor(options: SupervisorOptions = {}) {
    this.#logger = options.logger ?? silentLogger;
    this.#deadlineMs = options.shutdownDeadlineMs ?? 10_000;
  }

  /** The root signal: aborts when shutdown reaches the `tasks` phase. */
  get signal(): AbortSignal {
    return this.#root.signal;
  }

  /** `starting`, `ready`, `stopping` or `stopped`. */
  get state(): SupervisorState {
    return this.#state;
  }

  /** Whether the process takes new work: ready and not shutting down. */
  get ready(): boolean {
    return this.#state === "ready";
  }

  /** Milliseconds since the supervisor was created. */
  get uptimeMs(): number {
    return Date.now() - this.#startedAt;
  }

  /** Resolves with the report once shutdown has finished, whoever started it. */
  get finished(): Promise<ShutdownReport> {
    return this.#finished.promise;
  }

  /** Marks start-up complete: `/readyz` answers 200 from now until shutdown begins. */
  markReady(): void {
    if (this.#state === "starting") this.#state = "ready";
  }

  /**
   * Starts a supervised task. It is registered before `fn` runs and removed when it ends.
   *
   * @throws {Error} once shutdown has begun.
   */
  spawn(name: string, fn: TaskFn, options: TaskOptions = {}): TaskHandle {
    if (this.#state === "stopping" || this.#state === "stopped") {
      throw new Error(`Cannot spawn task ${name}: shutdown has begun`);
    }
    const record: TaskRecord = {
      id: this.#nextId++,
      name,
      state: "running",
      startedAt: new Date(),
      restarts: 0,
      restartTimes: [],
      lastError: undefined,
      critical: options.critical ?? false,
      controller: new AbortController(),
      done: Promise.resolve(),
      stopRequestedAt: undefined,
    };
    this.#tasks.set(record.id, record);
    record.done = this.#run(record, fn, options);
    return {
      name,
      done: record.done,
      stop: (reason) => {
        this.#stopTask(record, reason ?? "stopped");
        return record.done;
      },
    };
  }

  /** Every live task, in spawn order. */
  tasks(): TaskInfo[] {
    return [...this.#tasks.values()].map((record) => this.#info(record));
  }

  /** The most recent tasks that failed beyond their restart budget, oldest first. */
  failedTasks(): TaskInfo[] {
    return [...this.#failed];
  }

  /**
   * Registers work for one shutdown phase. Hooks in a phase run concurrently; phases run in
   * order. Disposing the returned handle unregisters the hook.
   */
  onShutdown(phase: ShutdownPhase, name: string, fn: ShutdownHook): Disposable {
    const hooks = this.#hooks.get(phase);
    if (hooks === undefined) throw new TypeError(`Unknown shutdown phase ${phase}`);
    const record: HookRecord = { name, fn };
    hooks.push(record);
    return {
      [Symbol.dispose]: () => {
        const index = hooks.indexOf(record);
        if (index !== -1) hooks.splice(index, 1);
      },
    };
  }

  /** Starts the ordered shutdown, or returns the one already under way. */
  shutdown(options: ShutdownOptions = {}): Promise<ShutdownReport> {
    this.#shutdown ??= this.#runShutdown(options);
    return this.#shutdown;
  }

  /** Shuts down, so tests can write `await using supervisor = new Supervisor()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown({ reason: "disposed" });
  }

  #info(record: TaskRecord): TaskInfo {
    return {
      name: record.name,
      state: record.state,
      startedAt: record.startedAt.toISOString(),
      restarts: record.restarts,
      lastError: record.lastError,
      critical: record.critical,
    };
  }

  #stopTask(record: TaskRecord, reason: string): void {
    if (record.controller.signal.aborted) return;
    record.stopRequestedAt = performance.now();
    if (record.state === "running" || record.state === "restarting") record.state = "stopping";
    record.controller.abort(new DOMException(reason, "AbortError"));
  }

  async #run(record: TaskRecord, fn: TaskFn, options: TaskOptions): Promise<void> {
    const signal = record.controller.signal;
    const maxRestarts = options.maxRestarts ?? 5;
    const windowMs = options.restartWindowMs ?? 60_000;
    const initialMs = options.backoffInitialMs ?? 100;
    const maxMs = options.backoffMaxMs ?? 10_000;
    // Let spawn() return before the body runs, so a synchronous throw is handled like any other.
    await Promise.resolve();
    try {
      while (!signal.aborted) {
        try {
          await fn(signal);
          return;
        } catch (error) {
          if (signal.aborted) {
            if (error !== signal.reason) {
              this.#logger.warn("task failed while stopping", {
                task: record.name,
                error: errorFields(error),
              });
            }
            return;
          }
          record.lastError = describe(error);
          const now = performance.now();
          record.restartTimes = record.restartTimes.filter((time) => now - time < windowMs);
          const budgetLeft = (options.restart ?? true) &&
            record.restartTimes.length < maxRestarts;
          this.#logger.error("task failed", {
            task: record.name,
            error: errorFields(error),
            restarting: budgetLeft,
          });
          if (!budgetLeft) {
            this.#fail(record);
            return;
          }
          record.restartTimes.push(now);
          record.restarts++;
          record.state = "restarting";
          const backoff = Math.min(maxMs, initialMs * 2 ** (record.restartTimes.length - 1));
          try {
            await delay(backoff, { signal });
          } catch {
            return;
          }
          record.state = "running";
        }
      }
    } finally {
      if (record.state !== "failed") record.state = "stopped";
      this.#tasks.delete(record.id);
    }
  }

  #fail(record: TaskRecord): void {
    record.state = "failed";
    this.#failed.push(this.#info(record));
    if (this.#failed.length > FAILED_TASKS_KEPT) this.#failed.shift();
    if (record.critical) {
      this.#logger.error("critical task failed beyond its restart budget; shutting down", {
        task: record.name,
      });
      // The shutdown promise is the supervisor's own and is awaited through `finished`.
      this.shutdown({ reason: `critical task ${record.name} failed`, exitCode: 1 }).catch(
        (error) => this.#logger.error("shutdown failed", { error: errorFields(error) }),
      );
    }
  }

  async #runShutdown(options: ShutdownOptions): Promise<ShutdownReport> {
    const reason = options.reason ?? "shutdown";
    const started = performance.now();
    this.#state = "stopping";
    this.#logger.info("shutdown started", { reason, deadlineMs: this.#deadlineMs });
    using deadline = new Deadline(this.#deadlineMs);
    const report: ShutdownReport = {
      reason,
      exitCode: options.exitCode ?? 0,
      totalMs: 0,
      deadlineMs: this.#deadlineMs,
      deadlineHit: false,
      phases: {},
      tasksStopped: [],
      overrun: [],
      errors: [],
      counts: {},
    };
    try {
      for (const phase of SHUTDOWN_PHASES) {
        if (deadline.signal.aborted) break;
        const phaseStarted = performance.now();
        if (phase === "tasks") await this.#stopAllTasks(deadline, report);
        await this.#runHooks(phase, deadline, report);
        report.phases[phase] = round(performance.now() - phaseStarted);
        this.#logger.debug("shutdown phase done", { phase, ms: report.phases[phase] });
      }
    } catch (error) {
      // Hooks are isolated in #runHooks; reaching here is a bug in the supervisor itself.
      report.errors.push(`supervisor: ${describe(error)}`);
      this.#logger.error("shutdown failed", { error: errorFields(error) });
    }
    report.deadlineHit = deadline.signal.aborted;
    if (report.deadlineHit || report.errors.length > 0) {
      report.exitCode = report.exitCode === 0 ? 1 : report.exitCode;
    }
    report.totalMs = round(performance.now() - started);
    this.#state = "stopped";
    this.#finished.resolve(report);
    return report;
  }

  async #stopAllTasks(deadline: Deadline, report: ShutdownReport): Promise<void> {
    this.#root.abort(new DOMException("shutting down", "AbortError"));
    const records = [...this.#tasks.values()];
    for (const record of records) this.#stopTask(record, "shutting down");
    const stopped = records.map(async (record) => {
      await record.done;
      report.tasksStopped.push({
        name: record.name,
        ms: round(performance.now() - (record.stopRequestedAt ?? performance.now())),
      });
    });
    const inTime = await deadline.race(Promise.all(stopped));
    if (!inTime) {
      for (const record of records) {
        if (this.#tasks.has(record.id)) report.overrun.push(`task:${record.name}`);
      }
    }
  }

  async #runHooks(
    phase: ShutdownPhase,
    deadline: Deadline,
    report: ShutdownReport,
  ): Promise<void> {
    const hooks = [...(this.#hooks.get(phase) ?? [])];
    const pending = new Set(hooks.map((hook) => hook.name));
    const runs = hooks.map(async (hook) => {
      try {
        const counts = await hook.fn(deadline.signal);
        for (const [key, value] of Object.entries(counts ?? {})) {
          report.counts[key] = (report.counts[key] ?? 0) + value;
        }
      } catch (error) {
        report.errors.push(`${phase}:${hook.name}: ${describe(error)}`);
        this.#logger.error("shutdown hook failed", {
          phase,
          hook: hook.name,
          error: errorFields(error),
        });
      } finally {
        pending.delete(hook.name);
      }
    });
    const inTime = await deadline.race(Promise.all(runs));
    if (!inTime) {
      for (const name of pending) report.overrun.push(`${phase}:${name}`);
    }
  }
}
