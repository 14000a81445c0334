/**
 * The two stores side by side (`deno task bench:store`): Deno KV (a file in a temporary
 * directory) and PostgreSQL (a real server started for the run, the tests' own settings:
 * `fsync=off`), through the same `Store` interface the server uses.
 *
 * Measured for each, alternating KV and PostgreSQL per round so a noisy moment hits both:
 *
 * - **registrations/s** — `Accounts.register` (an account and its character in one checked
 *   write) with the password cost lowered to 1 iteration, so the store is what is measured;
 * - **logins/s** — `Accounts.login` for those accounts (a lookup by name);
 * - **item moves/s** — checked moves of 50 items between players, 20 at a time;
 * - **save all** — one `savePlayers` of every character (what the shutdown's persist phase does).
 *
 * Then a real server on PostgreSQL with the players online is sent SIGTERM, and its shutdown
 * report says how long the persist phase took against the default deadline.
 *
 * Usage: deno task bench:store [--players 2000] [--rounds 3]
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Accounts } from "../lib/accounts/accounts.ts";
import { KvStore } from "../lib/store/kv_store.ts";
import { PostgresStore } from "../lib/store/postgres_store.ts";
import type { Store } from "../lib/store/store.ts";
import { startPostgres } from "../tests/support/postgres.ts";
import { flag } from "./lib/args.ts";
import { botName, eachLimited } from "./lib/bot.ts";
import { Crowd } from "./lib/crowd.ts";
import { startBenchServer } from "./lib/server.ts";
import { round } from "./lib/stats.ts";

const PLAYERS = flag("players", 2000);
const ROUNDS = flag("rounds", 3);
const CONCURRENCY = 20;
const ITEMS = 50;
const PASSWORD = "a bench password";

interface Figures {
  registrationsPerSecond: number;
  loginsPerSecond: number;
  itemMovesPerSecond: number;
  saveAllMs: number;
}

async function measure(store: Store, prefix: string): Promise<Figures> {
  const accounts = new Accounts(store, { iterations: 1, startRoom: "arkham.station" });
  const names = Array.from({ length: PLAYERS }, (_, i) => botName(prefix, i));
  const ids: string[] = [];
  let started = performance.now();
  await eachLimited(names, CONCURRENCY, async (name) => {
    ids.push((await accounts.register(name, PASSWORD)).id);
  });
  const registrationsPerSecond = PLAYERS / ((performance.now() - started) / 1000);

  started = performance.now();
  await eachLimited(names, CONCURRENCY, async (name) => {
    if ((await accounts.login(name, PASSWORD)) === undefined) throw new Error(`login ${name}`);
  });
  const loginsPerSecond = PLAYERS / ((performance.now() - started) / 1000);

  const versions = new Map<string, string | null>();
  const moves = Array.from({ length: PLAYERS }, (_, i) => i);
  started = performance.now();
  await eachLimited(moves, CONCURRENCY, async (i) => {
    const item = `${prefix}-item-${i % ITEMS}`;
    // Moves of one item are chained (each needs the version the last one left).
    while (true) {
      const expected = versions.get(item) ?? null;
      const version = await store.moveItem(item, expected, { player: ids[i] ?? "" });
      if (version !== undefined) {
        versions.set(item, version);
        return;
      }
    }
  });
  const itemMovesPerSecond = PLAYERS / ((performance.now() - started) / 1000);

  const now = new Date().toISOString();
  const records = ids.map((id, i) => ({
    id,
    name: names[i] ?? "",
    room: "mu.library",
    stats: { lucidity: 80 },
    lastEventId: i,
    createdAt: now,
    updatedAt: now,
  }));
  started = performance.now();
  await store.savePlayers(records);
  const saveAllMs = performance.now() - started;
  return {
    registrationsPerSecond: round(registrationsPerSecond),
    loginsPerSecond: round(loginsPerSecond),
    itemMovesPerSecond: round(itemMovesPerSecond),
    saveAllMs: round(saveAllMs),
  };
}

await using pg = await startPostgres();
const dir = await Deno.makeTempDir({ prefix: "mythos-store-bench-" });
try {
  for (let r = 1; r <= ROUNDS; r++) {
    for (const kind of ["kv", "postgres"] as const) {
      const store: Store = kind === "kv"
        ? await KvStore.open(`${dir}/round-${r}`)
        : await PostgresStore.open(await pg.newDatabase());
      try {
        const figures = await measure(store, "Bench");
        console.log(
          JSON.stringify({
            scenario: "store",
            round: r,
            store: kind,
            players: PLAYERS,
            ...figures,
          }),
        );
      } finally {
        await store.close();
      }
    }
  }

  // A shutdown with every player online, on PostgreSQL, under the default deadline.
  const databaseUrl = await pg.newDatabase();
  await using server = await startBenchServer({
    MYTHOS_DATABASE_URL: databaseUrl,
    MYTHOS_NPC_TICK_MS: "3600000",
  });
  const crowd = await Crowd.create(server.url, PLAYERS);
  {
    await crowd.setUp();
    const stop = await server.stop("SIGTERM");
    await Promise.all(crowd.bots.map((bot) => bot.streamEnded()));
    const report = server.lines.lines.find((line) => line.msg === "shutdown complete");
    const phases = (report?.phases ?? {}) as Record<string, number>;
    const passed = stop.code === 0 && report?.playersSaved === PLAYERS &&
      report?.deadlineHit === false;
    console.log(JSON.stringify({
      scenario: "shutdown on postgres",
      players: PLAYERS,
      exitCode: stop.code,
      totalMs: report?.totalMs,
      persistMs: phases.persist,
      deadlineMs: report?.deadlineMs,
      playersSaved: report?.playersSaved,
      passed,
    }));
    if (!passed) Deno.exitCode = 1;
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
