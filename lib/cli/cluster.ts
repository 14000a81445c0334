/**
 * `deno task cluster`: a whole cluster on this machine, for admins and developers, in one
 * command: redis-server and PostgreSQL (Debian's packages) on private ports with their data under
 * `data/cluster/`, one world node, two edge nodes, and HAProxy in front of the edges on
 * `MYTHOS_PORT` (default 8000). Ctrl-C stops it all in order: HAProxy, the edges, the world
 * (which saves every player), then PostgreSQL and Redis.
 *
 * Other `MYTHOS_*` settings (such as `MYTHOS_ADMIN_TOKEN`) pass through to every node.
 *
 * @module
 */

import { delay } from "@std/async/delay";
import { join } from "@std/path/join";
import { SERVER_V8_FLAGS_ARGUMENT } from "../v8_flags.ts";
import { haproxyConfig } from "./haproxy_config.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A program the cluster needs, where Debian puts it, and the package that has it. */
interface Needed {
  name: string;
  paths: string[];
  apt: string;
}

const POSTGRES_BIN = ["17", "16", "15", "14", "13"].map((v) => `/usr/lib/postgresql/${v}/bin`);

const NEEDED: Needed[] = [
  { name: "redis-server", paths: ["/usr/bin/redis-server"], apt: "redis-server" },
  { name: "haproxy", paths: ["/usr/sbin/haproxy", "/usr/bin/haproxy"], apt: "haproxy" },
  { name: "postgres", paths: POSTGRES_BIN.map((dir) => `${dir}/postgres`), apt: "postgresql" },
];

function find(paths: string[]): string | undefined {
  return paths.find((path) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  });
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function log(message: string): void {
  // deno-lint-ignore no-console
  console.error(`cluster: ${message}`);
}

/** Runs a command to completion (as the postgres user when we are root and `asPostgres`). */
async function run(command: string, args: string[], asPostgres = false): Promise<void> {
  const root = Deno.uid() === 0;
  const output = await new Deno.Command(asPostgres && root ? "runuser" : command, {
    args: asPostgres && root ? ["-u", "postgres", "--", command, ...args] : args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
    throw new Error(`${command} ${args.join(" ")} failed: ${text.trim()}`);
  }
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const started = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not come up`);
    await delay(100);
  }
}

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url);
  await response.body?.cancel();
  return response.ok;
}

/**
 * Starts the cluster and runs until a signal; returns the exit code. `dataDir` holds Redis's and
 * PostgreSQL's data (default `data/cluster/`).
 */
export async function runCluster(dataDir = join(ROOT, "data", "cluster")): Promise<number> {
  const found = new Map<string, string>();
  const missing: Needed[] = [];
  for (const needed of NEEDED) {
    const path = find(needed.paths);
    if (path === undefined) missing.push(needed);
    else found.set(needed.name, path);
  }
  if (missing.length > 0) {
    log(`missing ${missing.map((m) => m.name).join(", ")}. Install with:`);
    log(`  sudo apt-get install -y ${missing.map((m) => m.apt).join(" ")}`);
    return 2;
  }
  const pgBin = (found.get("postgres") as string).replace(/\/postgres$/, "");
  const publicPort = Number(Deno.env.get("MYTHOS_PORT") ?? "8000");
  await Deno.mkdir(join(dataDir, "redis"), { recursive: true });
  const children: { name: string; child: Deno.ChildProcess }[] = [];
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((error) => log(String(error)));
    }
  };
  const spawn = (name: string, command: string, args: string[], env: Record<string, string>) => {
    const child = new Deno.Command(command, { args, env, stdin: "null" }).spawn();
    children.push({ name, child });
    stops.push(async () => {
      log(`stopping ${name}`);
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      const status = await child.status;
      log(`${name} stopped (exit ${status.code})`);
    });
    return child;
  };
  try {
    // Redis, with its append-only file: what the edges have acknowledged survives a restart.
    const redisPort = freePort();
    spawn("redis-server", found.get("redis-server") as string, [
      "--port",
      String(redisPort),
      "--bind",
      "127.0.0.1",
      "--dir",
      join(dataDir, "redis"),
      "--appendonly",
      "yes",
      "--save",
      "",
    ], {});
    const redisUrl = `redis://127.0.0.1:${redisPort}`;

    // PostgreSQL: initialised once under data/cluster/postgres.
    const pgDir = join(dataDir, "postgres");
    const pgData = join(pgDir, "data");
    const pgPort = freePort();
    const asPostgres = Deno.uid() === 0;
    let initialised = true;
    try {
      Deno.statSync(join(pgData, "PG_VERSION"));
    } catch {
      initialised = false;
    }
    if (!initialised) {
      log("initialising PostgreSQL under data/cluster/postgres");
      await Deno.mkdir(pgDir, { recursive: true });
      if (asPostgres) await run("chown", ["postgres", pgDir]);
      await run(join(pgBin, "initdb"), [
        "-D",
        pgData,
        "-U",
        "mythos",
        "--auth=trust",
        "-E",
        "UTF8",
      ], true);
    }
    await run(join(pgBin, "pg_ctl"), [
      "-D",
      pgData,
      "-l",
      join(pgDir, "log"),
      "-w",
      "-o",
      `-p ${pgPort} -k ${pgDir} -c listen_addresses=127.0.0.1`,
      "start",
    ], true);
    stops.push(async () => {
      log("stopping PostgreSQL");
      await run(join(pgBin, "pg_ctl"), ["-D", pgData, "-m", "fast", "-w", "stop"], true);
    });
    await run(join(pgBin, "createdb"), [
      "-h",
      "127.0.0.1",
      "-p",
      String(pgPort),
      "-U",
      "mythos",
      "mythos",
    ], true)
      .catch(() => {}); // exists already
    const databaseUrl = `postgres://mythos@127.0.0.1:${pgPort}/mythos`;

    const node = (role: string, id: string, port: number) => {
      const env = {
        ...Deno.env.toObject(),
        MYTHOS_ROLE: role,
        MYTHOS_NODE_ID: id,
        MYTHOS_PORT: String(port),
        MYTHOS_HOST: "127.0.0.1",
        MYTHOS_REDIS_URL: redisUrl,
        MYTHOS_DATABASE_URL: databaseUrl,
        MYTHOS_DATA_DIR: join(dataDir, id),
        MYTHOS_PUBLIC_URL: Deno.env.get("MYTHOS_PUBLIC_URL") ?? `http://localhost:${publicPort}`,
        MYTHOS_TRUSTED_PROXIES: Deno.env.get("MYTHOS_TRUSTED_PROXIES") ?? "127.0.0.1",
      };
      spawn(id, Deno.execPath(), [
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        "--allow-write",
        "--allow-sys",
        SERVER_V8_FLAGS_ARGUMENT,
        join(ROOT, "main.ts"),
      ], env);
      return `http://127.0.0.1:${port}`;
    };
    const world = node("world", "world", freePort());
    await waitUntil("the world node", () => httpOk(`${world}/readyz`));
    const edges = [node("edge", "edge-1", freePort()), node("edge", "edge-2", freePort())];
    for (const edge of edges) await waitUntil(edge, () => httpOk(`${edge}/readyz`));

    await Deno.writeTextFile(
      join(dataDir, "haproxy.cfg"),
      haproxyConfig({
        host: "0.0.0.0",
        port: publicPort,
        edges: edges.map((edge, i) => ({ name: `edge${i + 1}`, address: new URL(edge).host })),
      }),
    );
    spawn(
      "haproxy",
      found.get("haproxy") as string,
      ["-f", join(dataDir, "haproxy.cfg"), "-db"],
      {},
    );
    await waitUntil("HAProxy", () => httpOk(`http://127.0.0.1:${publicPort}/readyz`));
    log(
      `ready: play at http://localhost:${publicPort} (world ${world}, edges ${edges.join(", ")})`,
    );
    log("Ctrl-C stops everything in order");

    const stopped = Promise.withResolvers<string>();
    const onSignal = (name: string) => () => stopped.resolve(name);
    const onInt = onSignal("SIGINT");
    const onTerm = onSignal("SIGTERM");
    Deno.addSignalListener("SIGINT", onInt);
    Deno.addSignalListener("SIGTERM", onTerm);
    // A node that dies on its own stops the cluster too.
    const died = Promise.race(
      children.map(({ name, child }) =>
        child.status.then((status) => `${name} exited (${status.code})`)
      ),
    );
    const why = await Promise.race([stopped.promise, died]);
    Deno.removeSignalListener("SIGINT", onInt);
    Deno.removeSignalListener("SIGTERM", onTerm);
    log(`${why}: stopping the cluster`);
    await stopAll();
    return why.startsWith("SIG") ? 0 : 1;
  } catch (error) {
    log(String(error instanceof Error ? error.message : error));
    await stopAll();
    return 1;
  }
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--data-dir");
  Deno.exit(await runCluster(at === -1 ? undefined : Deno.args[at + 1]));
}
