/**
 * Gives the load generator a fixed share of the machine: this process (the bots) runs on every
 * core but the first (Linux `taskset`), and the server under test is left free to use them all —
 * its JavaScript thread has the first core to itself, and its helper threads (V8's GC, Deno KV's
 * SQLite) use what the bots leave. Sharing every core, a load generator that falls behind —
 * parsing a flood for hundreds of bots — takes the server's CPU and shows as server latency;
 * capped, a slower CPU shows as a slower server, and a generator that cannot keep up shows as its
 * share at 100 % of its core (reported).
 *
 * @module
 */

import { cpuMs } from "./proc.ts";

/** Where the two sides run, for the report. */
export interface CpuShare {
  /** The cores the server may use, e.g. `"0-1"`, or `"shared"` when nothing is pinned. */
  server: string;
  /** The load generator's cores, e.g. `"1"`, or `"shared"`. */
  generator: string;
  /** Why not pinned, when not. */
  note?: string;
}

const TASKSET = "/usr/bin/taskset";

/**
 * Pins this process to every core but the first, when the machine has two cores or more and
 * `taskset` is there; otherwise leaves it where it is and says why.
 */
export async function capGenerator(): Promise<CpuShare> {
  const why = await whyNotPinned();
  if (why !== undefined) return { server: "shared", generator: "shared", note: why };
  const cores = navigator.hardwareConcurrency;
  const generator = cores === 2 ? "1" : `1-${cores - 1}`;
  await taskset(generator, Deno.pid);
  return { server: `0-${cores - 1}`, generator };
}

/**
 * Lets `pid`, a server under test started by a generator already capped (a child inherits its
 * parent's cores), use every core again. Does nothing where {@linkcode capGenerator} could not cap.
 */
export async function uncap(pid: number): Promise<void> {
  if (await whyNotPinned() !== undefined) return;
  await taskset(`0-${navigator.hardwareConcurrency - 1}`, pid);
}

/** Why processes cannot be pinned to cores here, or `undefined` when they can. */
async function whyNotPinned(): Promise<string | undefined> {
  if (navigator.hardwareConcurrency < 2) return "one core";
  try {
    await Deno.stat(TASKSET);
    return undefined;
  } catch {
    return "no taskset (util-linux)";
  }
}

/** Sets the CPU affinity of every thread of `pid`. */
async function taskset(cpus: string, pid: number): Promise<void> {
  const { success, stderr } = await new Deno.Command(TASKSET, {
    args: ["--all-tasks", "--cpu-list", "--pid", cpus, String(pid)],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) {
    throw new Error(`taskset ${cpus} ${pid} failed: ${new TextDecoder().decode(stderr).trim()}`);
  }
}

/**
 * Starts measuring how busy this process (the load generator) is; the function returned answers
 * its CPU time since, as a share of one core (1 = a core kept busy: the generator is the limit).
 */
export async function generatorBusy(): Promise<() => Promise<number>> {
  const before = await cpuMs(Deno.pid);
  const started = performance.now();
  return async () => {
    const used = (await cpuMs(Deno.pid)) - before;
    return Math.round((used / (performance.now() - started)) * 1000) / 1000;
  };
}
