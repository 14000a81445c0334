/**
 * Starting one of the benchmark's own scripts (a floor or core server, the stream reader) as a
 * child process.
 *
 * @module
 */

const BENCH = new URL("../", import.meta.url);

/** How to start a script. */
export interface SpawnOptions {
  /** Variables for the child, over the parent's. */
  env?: Record<string, string>;
  /** Let the child's stderr through (`--verbose`); otherwise it is dropped. */
  verbose?: boolean;
  /** Have the child write a V8 CPU profile into this directory when it exits. */
  profileDir?: string;
}

/** Runs `bench/<script>` with `args`, its stdout piped (its JSON lines). */
export function spawnScript(
  script: string,
  args: string[],
  options: SpawnOptions = {},
): Deno.ChildProcess {
  const profile = options.profileDir === undefined
    ? []
    : ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`];
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", ...profile, new URL(script, BENCH).pathname, ...args],
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: options.verbose ? "inherit" : "null",
  }).spawn();
}
