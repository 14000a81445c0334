/**
 * A real HAProxy in front of test edges, on a loopback port of its own; stopped when disposed.
 *
 * @module
 */

import { haproxyConfig } from "../../lib/cli/haproxy_config.ts";
import { freePort } from "./ports.ts";
import { tempDir } from "./temp_dir.ts";
import { waitFor } from "./wait.ts";

/** How to install HAProxy where it is missing. */
export const HAPROXY_INSTALL = "sudo apt-get install -y haproxy";

/** Whether HAProxy is installed. */
export function haproxyAvailable(): boolean {
  for (const path of ["/usr/sbin/haproxy", "/usr/bin/haproxy"]) {
    try {
      Deno.statSync(path);
      return true;
    } catch {
      // Not here.
    }
  }
  return false;
}

/** Registers one ignored test saying how to install HAProxy when it is missing. */
export function skipWithoutHaproxy(what: string): boolean {
  if (haproxyAvailable()) return false;
  Deno.test({
    name:
      `${what}: skipped. haproxy is not installed; install it (${HAPROXY_INSTALL}); CI (.ci/run) installs it.`,
    ignore: true,
    fn: () => {},
  });
  return true;
}

/** A running HAProxy. */
export interface TestHaproxy extends AsyncDisposable {
  /** Its base URL. */
  readonly url: URL;
}

/** Starts HAProxy in front of `edges` and waits until it sees one of them up. */
export async function startHaproxy(edges: URL[]): Promise<TestHaproxy> {
  const dir = await tempDir();
  const port = await freePort();
  const file = `${dir.path}/haproxy.cfg`;
  await Deno.writeTextFile(
    file,
    haproxyConfig({
      host: "127.0.0.1",
      port,
      edges: edges.map((edge, i) => ({ name: `edge${i + 1}`, address: edge.host })),
      checkIntervalMs: 200,
    }),
  );
  const binary = haproxyAvailable() ? "haproxy" : "/usr/sbin/haproxy";
  const child = new Deno.Command(binary, {
    args: ["-f", file, "-db"],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream());
  let errors = "";
  const reading = (async () => {
    for await (const text of stderr) errors += text;
  })();
  const url = new URL(`http://127.0.0.1:${port}/`);
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    await child.status;
    await reading;
    await dir[Symbol.asyncDispose]();
  };
  try {
    await waitFor(async () => {
      const response = await fetch(new URL("/readyz", url)).catch(() => undefined);
      await response?.body?.cancel();
      return response?.status === 200 || undefined;
    }, { message: `HAProxy to route to an edge (${errors})`, timeout: 10_000 });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, [Symbol.asyncDispose]: stop };
}
