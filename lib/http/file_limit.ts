/**
 * The process's open-file limit, and the connection cap derived from it.
 *
 * Every TCP connection costs a file descriptor. When the process runs out, accepting fails with
 * "Too many open files" — and so does opening the store or writing a log. The cap keeps room for
 * those.
 *
 * @module
 */

/** Where the limit came from, for the start-up log line. */
export interface FileLimit {
  /** The soft `RLIMIT_NOFILE` of this process, or `undefined` when it could not be read. */
  soft: number | undefined;
  /** `/proc/self/limits`, or why it could not be read. */
  source: string;
}

/** File descriptors kept free for the store, logs, the runtime and short-lived files. */
export const RESERVED_DESCRIPTORS = 64;

/** The cap used when the file limit cannot be read (a conservative 1,024-descriptor system). */
const FALLBACK_LIMIT = 1024;

/**
 * Reads the soft open-file limit from `/proc/self/limits` (Linux). Deno lets only a process run
 * with `--allow-all` read `/proc/self`; under `deno task start`'s narrower permissions the limit
 * is unknown and the Linux default of 1,024 is assumed (the server also learns the real limit
 * when it first runs out; see `serve.ts`).
 */
export function readFileLimit(): FileLimit {
  try {
    const text = Deno.readTextFileSync("/proc/self/limits");
    const line = text.split("\n").find((row) => row.startsWith("Max open files"));
    const soft = line?.slice("Max open files".length).trim().split(/\s+/)[0];
    if (soft === "unlimited") return { soft: Number.MAX_SAFE_INTEGER, source: "/proc/self/limits" };
    const value = Number(soft);
    if (Number.isSafeInteger(value) && value > 0) {
      return { soft: value, source: "/proc/self/limits" };
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      return {
        soft: undefined,
        source: "assumed 1024 (reading /proc/self/limits needs --allow-all)",
      };
    }
  }
  return { soft: undefined, source: "assumed 1024 (no /proc/self/limits)" };
}

/**
 * The default cap on open connections for a file limit: the limit less a reserve of a tenth (at
 * least {@linkcode RESERVED_DESCRIPTORS}), never below 16.
 */
export function defaultMaxConnections(limit: FileLimit): number {
  const soft = Math.min(limit.soft ?? FALLBACK_LIMIT, 1_000_000);
  const reserve = Math.max(RESERVED_DESCRIPTORS, Math.ceil(soft / 10));
  return Math.max(16, soft - reserve);
}
