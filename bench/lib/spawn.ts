/**
 * Starting one of the benchmark's own scripts (a floor or core server, the stream reader) as a
 * child process.
 *
 * @module
 */

import { SERVER_V8_FLAGS_ARGUMENT } from "../../lib/v8_flags.ts";

const BENCH = new URL("../", import.meta.url);

/** How to start a script. */
export interface SpawnOptions {
  /** Variables for the child, over the parent's. */
  env?: Record<string, string>;
  /** Let the child's stderr through (`--verbose`); otherwise it is dropped. */
  verbose?: boolean;
  /** Have the child write a V8 CPU profile into this directory when it exits. */
  profileDir?: string;
  /**
   * The script is a server measured beside the game (the floor, the core): run it with the V8
   * settings the game runs with, so the comparison is like for like.
   */
  server?: boolean;
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
    args: [
      "run",
      "--allow-all",
      ...profile,
      ...(options.server ? [SERVER_V8_FLAGS_ARGUMENT] : []),
      new URL(script, BENCH).pathname,
      ...args,
    ],
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: options.verbose ? "inherit" : "null",
  }).spawn();
}
