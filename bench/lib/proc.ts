/**
 * Reading a process's CPU time and resident memory from /proc (Linux).
 *
 * @module
 */

const CLOCK_TICKS_PER_SECOND = 100;

/** User plus system CPU time of `pid`, in milliseconds. */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size of `pid`, in bytes. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`No VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

/** CPU time of one kind of thread (threads grouped by name), split into user and system time. */
export interface ThreadCpu {
  /** How many threads of that name. */
  threads: number;
  /** User CPU time, in milliseconds. */
  userMs: number;
  /** System (kernel) CPU time, in milliseconds. */
  systemMs: number;
}

/**
 * CPU time of each of `pid`'s threads, summed by thread name (the main JavaScript thread, V8's
 * platform workers that collect garbage and compile, Tokio's workers and blocking pool). Threads
 * that have exited are not counted, so compare two readings of long-lived threads.
 */
export async function cpuByThread(pid: number): Promise<Record<string, ThreadCpu>> {
  const byName: Record<string, ThreadCpu> = {};
  for await (const entry of Deno.readDir(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = await Deno.readTextFile(`/proc/${pid}/task/${entry.name}/stat`);
    } catch {
      continue; // The thread exited between listing and reading.
    }
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const kind = byName[name] ??= { threads: 0, userMs: 0, systemMs: 0 };
    kind.threads++;
    kind.userMs += (Number(fields[11]) * 1000) / CLOCK_TICKS_PER_SECOND;
    kind.systemMs += (Number(fields[12]) * 1000) / CLOCK_TICKS_PER_SECOND;
  }
  return byName;
}

/** What each kind of thread spent between two {@linkcode cpuByThread} readings. */
export function cpuByThreadSince(
  before: Record<string, ThreadCpu>,
  after: Record<string, ThreadCpu>,
): Record<string, ThreadCpu> {
  const spent: Record<string, ThreadCpu> = {};
  for (const [name, now] of Object.entries(after)) {
    const then = before[name] ?? { threads: 0, userMs: 0, systemMs: 0 };
    spent[name] = {
      threads: now.threads,
      userMs: now.userMs - then.userMs,
      systemMs: now.systemMs - then.systemMs,
    };
  }
  return spent;
}
