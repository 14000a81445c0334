/**
 * The server as a real child process, for tests where signals and exit codes are the point.
 *
 * @module
 */

import { TextLineStream } from "@std/streams/text-line-stream";
import { waitFor, withTimeout } from "./wait.ts";

const ROOT = new URL("../../", import.meta.url);

/** A server process and what it has printed. */
export interface ServerProcess extends AsyncDisposable {
  /** The child process. */
  readonly child: Deno.ChildProcess;
  /** Every stdout line that parsed as JSON. */
  readonly logs: Record<string, unknown>[];
  /** Everything on stderr so far. */
  readonly stderr: () => string;
  /** Resolves with the first log line that matches, or throws after `timeout` ms. */
  waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    timeout?: number,
  ): Promise<Record<string, unknown>>;
  /** Resolves with the process's exit status, or throws after `timeout` ms. */
  exited(timeout?: number): Promise<Deno.CommandStatus>;
}

/** Options for {@linkcode spawnServer}. */
export interface SpawnOptions {
  /** Environment for the child, over a test default of port 0 and a cheap password cost. */
  env?: Record<string, string>;
  /** The script to run, relative to the project root; default `main.ts`. */
  script?: string;
  /** Starts the process under `ulimit -n <fileLimit>` (through `sh`). */
  fileLimit?: number;
  /** Arguments after the script. */
  args?: string[];
  /** Lets the script start programs (`--allow-run`). */
  allowRun?: boolean;
}

async function collectLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  const lines: ReadableStream<string> = stream.pipeThrough(new TextDecoderStream())
    .pipeThrough(new TextLineStream());
  for await (const line of lines) onLine(line);
}

/** Starts the server as a child process with `deno run`, as `deno task start` would. */
export function spawnServer(options: SpawnOptions = {}): ServerProcess {
  const denoArgs = [
    "run",
    "--allow-net",
    "--allow-env",
    "--allow-read",
    "--allow-write",
    "--allow-sys",
    ...(options.allowRun ? ["--allow-run"] : []),
    new URL(options.script ?? "main.ts", ROOT).pathname,
    ...(options.args ?? []),
  ];
  const limited = options.fileLimit !== undefined;
  const command = new Deno.Command(limited ? "sh" : Deno.execPath(), {
    args: limited
      ? ["-c", `ulimit -n ${options.fileLimit} && exec "$0" "$@"`, Deno.execPath(), ...denoArgs]
      : denoArgs,
    cwd: ROOT.pathname,
    env: {
      MYTHOS_PORT: "0",
      MYTHOS_PASSWORD_COST: "1000",
      NO_COLOR: "1",
      ...options.env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  const child = command.spawn();
  const logs: Record<string, unknown>[] = [];
  let stderr = "";
  const readers = Promise.all([
    collectLines(child.stdout, (line) => {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ unparsed: line });
      }
    }),
    collectLines(child.stderr, (line) => {
      stderr += line + "\n";
    }),
  ]);
  const exited = async (timeout = 15_000) => {
    const status = await withTimeout(child.status, timeout, "the server process to exit");
    await readers;
    return status;
  };
  return {
    child,
    logs,
    stderr: () => stderr,
    waitForLog: (match, timeout = 15_000) =>
      waitFor(() => logs.find(match), {
        timeout,
        message: "a matching log line from the server process",
      }),
    exited,
    [Symbol.asyncDispose]: async () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already exited.
      }
      await child.status;
      await readers;
    },
  };
}
