/**
 * The V8 settings the server runs with: `deno task start` and `deno task dev` (in deno.json, which
 * a test keeps equal to these), the local cluster's nodes, and the benchmarks' servers.
 *
 * **The young generation is capped at 16 MiB per semi-space.** V8 doubles its young generation
 * each time the bytes that survive its scavenges add up to its size. A server that keeps a few
 * kilobytes per connection reaches one doubling more than a bare server does, and with V8's default
 * cap the game's young generation grew to ~55 MB at 1,000 players where a bare `Deno.serve` stays
 * at ~28 MB — 27 KiB of RSS per player for no speed (bench/RESULTS.md, "A room's lines stored
 * once; the young generation capped").
 * Capped, it stays where the bare server's does, and the bare server is unchanged by the same cap.
 *
 * @module
 */

/** The flags, as `--v8-flags` takes them. */
export const SERVER_V8_FLAGS: readonly string[] = ["--max-semi-space-size=16"];

/** The `deno run` argument that applies {@linkcode SERVER_V8_FLAGS}. */
export const SERVER_V8_FLAGS_ARGUMENT = `--v8-flags=${SERVER_V8_FLAGS.join(",")}`;
