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
