/**
 * The chaos suite (`deno task test:chaos`; `.ci/run` runs it three times): 100 players play
 * through HAProxy — four talk, one carries the lantern back and forth, all keep a ledger of what
 * they hear — while the cluster's parts fail one after another: the running world killed with
 * `kill -9`, the running world paused past its lease (SIGSTOP) and woken, an edge killed, Redis
 * restarted, PostgreSQL restarted. Every fault is bounded in time and happens once a round.
 *
 * After each round: every acknowledged say was heard by every player exactly once, no player saw
 * an event id twice or out of order, none had to start afresh (`stream.resync`), the lantern is
 * where its last acknowledged move put it (in the world and in PostgreSQL: exactly one place),
 * every player's stream is open again, and the streams, subscribers and tasks of every node are
 * back to their baselines.
 *
 * Not a `_test.ts` file: the suite takes minutes and runs on its own, not in `deno task test`.
 *
 * @module
 */

import { assert, assertEquals } from "@std/assert";
import { PostgresStore } from "../../lib/store/postgres_store.ts";
import { ChaosCluster, type ChaosNode, readyz } from "../support/chaos_cluster.ts";
import { skipWithoutHaproxy } from "../support/haproxy.ts";
import { LedgerPlayer } from "../support/ledger_player.ts";
import { skipWithoutPostgres } from "../support/postgres.ts";
import { skipWithoutRedis } from "../support/redis.ts";
import { waitFor } from "../support/wait.ts";

const ignore = skipWithoutRedis("The chaos suite") || skipWithoutPostgres("The chaos suite") ||
  skipWithoutHaproxy("The chaos suite");

const PLAYERS = 100;
const TALKERS = 4;

/** Settings for every node: a short lease so rounds are quick, no NPC chatter in the ledgers. */
const CHAOS_ENV = {
  MYTHOS_WORLD_LEASE_MS: "2000",
  MYTHOS_WORLD_DEADLINE_MS: "8000",
  MYTHOS_NPC_TICK_MS: "3600000",
};

/** How long one command may keep being refused (a fault under way) before the suite fails. */
const COMMAND_PATIENCE_MS = 90_000;

/** What the players have done that the world acknowledged. */
class Acknowledged {
  readonly says: string[] = [];
  /** Every say sent, acknowledged or not (one whose answer never came may still have run). */
  readonly attempted = new Set<string>();
  /** Where the lantern is after the last acknowledged move. */
  lantern: "carried" | "in the room" = "in the room";
}

/**
 * Sends `command` for `player` until it is acknowledged (202), retrying refusals and failures
 * with the same idempotency key, as the browser does.
 */
async function act(player: LedgerPlayer, command: string, signal: AbortSignal): Promise<boolean> {
  const key = { "idempotency-key": crypto.randomUUID() };
  let last: number | undefined;
  const outcome = await waitFor(async () => {
    if (signal.aborted) return "stopped";
    // Refused while a part is down (503), or not yet back in the world (409): tried again.
    const response = await player.player.send(command, key).catch(() => undefined);
    await response?.body?.cancel();
    last = response?.status;
    return response?.status === 202 ? "acknowledged" : undefined;
  }, {
    timeout: COMMAND_PATIENCE_MS,
    interval: 100,
    message: `"${command}" to be acknowledged`,
  }).catch((error) => {
    throw new Error(`${error.message} (last answer: ${last ?? "none"})`);
  });
  return outcome === "acknowledged";
}

/** Players acting until stopped; each loop ends after its command in flight is answered. */
function play(
  players: LedgerPlayer[],
  mover: LedgerPlayer,
  done: Acknowledged,
  signal: AbortSignal,
): Promise<unknown> {
  const talk = async (talker: LedgerPlayer, t: number) => {
    for (let n = 0; !signal.aborted; n++) {
      const text = `chaos ${t}.${done.says.length}.${n}`;
      done.attempted.add(text);
      if (await act(talker, `say ${text}`, signal)) done.says.push(text);
    }
  };
  const carry = async () => {
    while (!signal.aborted) {
      const get = done.lantern === "in the room";
      if (await act(mover, get ? "get lantern" : "drop lantern", signal)) {
        done.lantern = get ? "carried" : "in the room";
      }
    }
  };
  return Promise.all([...players.slice(0, TALKERS).map(talk), carry()]);
}

Deno.test({
  name:
    "chaos: 100 players play through world kills, a paused world, an edge kill and Redis and PostgreSQL restarts, and nothing acknowledged is lost",
  ignore,
}, async (t) => {
  await using cluster = await ChaosCluster.start(CHAOS_ENV);
  await using stack = new AsyncDisposableStack();
  const players: LedgerPlayer[] = [];
  for (let batch = 0; batch < PLAYERS / 20; batch++) {
    const started = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) => LedgerPlayer.start(cluster.haproxy.url, letterName(batch * 20 + i)),
      ),
    );
    for (const player of started) players.push(stack.use(player));
  }
  await Promise.all(players.map((player) => player.inWorld));
  const mover = players[TALKERS] as LedgerPlayer;
  const done = new Acknowledged();
  const baseline = await baselines(cluster);

  /** One round: traffic, the fault, traffic again once healed, then every check. */
  const round = async (name: string, fault: () => Promise<void>) => {
    await t.step(name, async () => {
      const stop = new AbortController();
      const playing = play(players, mover, done, stop.signal);
      try {
        await progress(done, 8);
        await fault();
        await cluster.replaceStoppedWorlds();
        await cluster.runningWorld();
        await progress(done, 8);
      } finally {
        stop.abort();
        await playing;
      }
      await check(cluster, players, mover, done, baseline);
    });
  };

  const killWorld = async () => {
    const world = await cluster.runningWorld();
    world.process.child.kill("SIGKILL");
    await world.process.exited(30_000);
  };

  await round("kill -9 the running world", killWorld);

  await round("the running world paused past its lease, then woken", async () => {
    const world = await cluster.runningWorld();
    world.process.child.kill("SIGSTOP");
    try {
      // Another world takes over while this one sleeps.
      await waitFor(async () => {
        for (const other of cluster.worlds) {
          if (other !== world && (await readyz(other.url)) === 200) return true;
        }
        return undefined;
      }, { timeout: 60_000, message: "a standby to take over from the paused world" });
      await progress(done, 4);
    } finally {
      world.process.child.kill("SIGCONT");
    }
    const status = await world.process.exited(30_000);
    assertEquals(status.code, 1, "the woken world found itself fenced out and stopped");
  });

  await round("kill -9 an edge", async () => {
    await cluster.restartEdge(cluster.edges[0] as ChaosNode);
  });

  await round("restart Redis", async () => {
    await cluster.redis.stop();
    await cluster.redis.start();
  });

  await round("restart PostgreSQL", async () => {
    await cluster.postgres.stop();
    await cluster.postgres.start();
  });

  await round("kill -9 the running world again", killWorld);
});

/** Waits until `count` more says have been acknowledged. */
async function progress(done: Acknowledged, count: number): Promise<void> {
  const target = done.says.length + count;
  await waitFor(() => done.says.length >= target || undefined, {
    timeout: 120_000,
    message: `${count} more acknowledged says`,
  });
}

interface Baselines {
  edgeTasks: string[];
  worldTasks: string[];
}

async function baselines(cluster: ChaosCluster): Promise<Baselines> {
  const world = await cluster.status(await cluster.runningWorld());
  const edge = await cluster.status(cluster.edges[0] as ChaosNode);
  return { edgeTasks: taskNames(edge), worldTasks: taskNames(world) };
}

function taskNames(status: Record<string, unknown>): string[] {
  return (status.tasks as { name: string }[]).map((task) => task.name).sort();
}

/** Every check a round ends with. */
async function check(
  cluster: ChaosCluster,
  players: LedgerPlayer[],
  mover: LedgerPlayer,
  done: Acknowledged,
  baseline: Baselines,
): Promise<void> {
  // Every acknowledged say reaches every player (late ones are waited for, generously).
  await waitFor(
    () => players.every((player) => done.says.every((text) => player.heard.has(text))) || undefined,
    { timeout: 120_000, message: "every player to hear every acknowledged say" },
  ).catch((error) => {
    const behind = players.filter((player) => !done.says.every((text) => player.heard.has(text)));
    throw new Error(`${error.message}: ${behind.length} players behind`);
  });
  const heardTwice = players.flatMap((player) =>
    [...player.heard].filter(([, count]) => count > 1).map(([text]) => text)
  );
  const unsent = players.flatMap((player) =>
    [...player.heard.keys()].filter((text) => !done.attempted.has(text))
  );
  assertEquals(
    {
      heardTwice: heardTwice.slice(0, 5),
      heardButNeverSent: unsent.slice(0, 5),
      outOfOrder: players.reduce((sum, player) => sum + player.outOfOrder, 0),
      resyncs: players.reduce((sum, player) => sum + player.resyncs, 0),
    },
    { heardTwice: [], heardButNeverSent: [], outOfOrder: 0, resyncs: 0 },
  );

  // The lantern is where its last acknowledged move put it, in the world and in the database.
  const carried = done.lantern === "carried";
  const me = await waitFor(async () => {
    try {
      return await mover.player.me();
    } catch {
      return undefined; // a part still coming back
    }
  }, { timeout: 60_000, message: "the mover's /api/me" });
  assertEquals(
    (me.inventory as string[]).includes("a brass lantern"),
    carried,
    "the world holds the lantern where it was last put",
  );
  await using store = await PostgresStore.open(cluster.database);
  const placements = await store.loadPlacements();
  const account = await store.findAccountByName(mover.player.name);
  assertEquals(
    placements.get("lantern")?.placement ?? { room: "arkham.station" },
    carried ? { player: account?.id } : { room: "arkham.station" },
    "the database holds it in the same one place",
  );

  // Every player's stream is open again, and the nodes are back to their baselines.
  await waitFor(async () => {
    if (!players.every((player) => player.connected)) return undefined;
    const edges = await Promise.all(cluster.edges.map((edge) => cluster.status(edge)));
    const open = edges.reduce(
      (sum, edge) => sum + (edge.streams as { open: number }).open,
      0,
    );
    const subscribers = edges.reduce(
      (sum, edge) => sum + (edge.bus as { subscribers: number }).subscribers,
      0,
    );
    const edgeTasksBack = edges.every((edge) =>
      JSON.stringify(taskNames(edge)) === JSON.stringify(baseline.edgeTasks)
    );
    return (open === players.length && subscribers === players.length && edgeTasksBack) ||
      undefined;
  }, { timeout: 60_000, message: "streams, subscribers and edge tasks back to their baselines" });
  const world = await cluster.status(await cluster.runningWorld());
  assertEquals(taskNames(world), baseline.worldTasks, "the running world's tasks");
  assert(cluster.worlds.length === 2, "a standby is there for the next round");
}

/** Letters no two of which look alike. */
const DISTINCT_LETTERS = "bcdfghjkpqstvwxz";

/** A name of letters only for player `n`. */
function letterName(n: number): string {
  let suffix = "";
  for (let rest = n, i = 0; i < 3; i++, rest = Math.floor(rest / DISTINCT_LETTERS.length)) {
    suffix = DISTINCT_LETTERS[rest % DISTINCT_LETTERS.length] + suffix;
  }
  return `Chaos${suffix}`;
}
