/**
 * Gives the server under test and the load generator fixed shares of the machine: the server's
 * process on the first core, this process (the bots) on the others (Linux `taskset`). Sharing
 * every core, a load generator that falls behind — parsing a flood for hundreds of bots — takes
 * the server's CPU and shows as server latency; pinned, a slower CPU shows as a slower server,
 * and a generator that cannot keep up shows as its own core at 100 % (reported).
 *
 * @module
 */

import { cpuMs } from "./proc.ts";

/** Where the two sides run, for the report. */
export interface CpuShare {
  /** The server's cores, e.g. `"0"`, or `"shared"` when not pinned. */
  server: string;
  /** The load generator's cores, e.g. `"1"`, or `"shared"`. */
  generator: string;
  /** Why not pinned, when not. */
  note?: string;
}

const TASKSET = "/usr/bin/taskset";

/**
 * Pins `serverPid` (every thread) to core 0 and this process to the rest, when the machine has
 * two cores or more and `taskset` is there; otherwise leaves both where they are and says why.
 */
export async function pinServerAndGenerator(serverPid: number): Promise<CpuShare> {
  const cores = navigator.hardwareConcurrency;
  if (cores < 2) return { server: "shared", generator: "shared", note: "one core" };
  try {
    await Deno.stat(TASKSET);
  } catch {
    return { server: "shared", generator: "shared", note: "no taskset (util-linux)" };
  }
  const generator = cores === 2 ? "1" : `1-${cores - 1}`;
  await taskset("0", serverPid);
  await taskset(generator, Deno.pid);
  return { server: "0", generator };
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
