/**
 * Admin rights belong to accounts, granted by someone who already holds power.
 */

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { runAdminCommand } from "../../lib/cli/admin.ts";
import { TestPlayer } from "../support/player.ts";
import { startTestServer, TEST_ADMIN_TOKEN } from "../support/server.ts";
import { tempDir } from "../support/temp_dir.ts";

const QUIET = { MYTHOS_NPC_TICK_MS: "3600000", MYTHOS_LUCIDITY_TICK_MS: "3600000" };

Deno.test("a name in MYTHOS_ADMINS that is not yet an account grants nothing, even to whoever registers it", async () => {
  await using test = await startTestServer({ env: { ...QUIET, MYTHOS_ADMINS: "Armitage" } });
  const warning = test.logs.find((line) => String(line.msg).startsWith("MYTHOS_ADMINS names"));
  assertEquals(warning?.name, "armitage");
  await using impostor = await TestPlayer.register(test.url, "Armitage");
  await impostor.connect();
  await impostor.expect("room.look");
  await impostor.do("broadcast I am in charge now");
  assertEquals((await impostor.expect("system.error")).code, "unknown_command");
});

Deno.test("MYTHOS_ADMINS grants rights to the accounts that existed when the server started", async () => {
  await using dir = await tempDir();
  {
    await using first = await startTestServer({ dataDir: dir.path, env: QUIET });
    await using _armitage = await TestPlayer.register(first.url, "Armitage");
  }
  await using test = await startTestServer({
    dataDir: dir.path,
    env: { ...QUIET, MYTHOS_ADMINS: "Armitage" },
  });
  await using armitage = await TestPlayer.login(test.url, "Armitage");
  await armitage.connect();
  await armitage.expect("room.look");
  await armitage.do("broadcast The library closes early.");
  assertEquals((await armitage.expect("system.notice")).code, "admin.broadcast");
});

Deno.test("the admin token grants and revokes rights on an account, at once for a character in the world", async () => {
  await using test = await startTestServer({ env: QUIET });
  await using ann = await TestPlayer.register(test.url, "Ann");
  await ann.connect();
  await ann.expect("room.look");
  const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  const noToken = await test.fetch("/admin/admins/Ann", { method: "PUT" });
  await noToken.body?.cancel();
  assertEquals(noToken.status, 401);
  const granted = await test.fetch("/admin/admins/ann", { method: "PUT", headers: auth });
  assertEquals([granted.status, await granted.json()], [200, { name: "Ann", admin: true }]);
  assertEquals((await ann.expect("system.notice")).code, "admin.granted");
  await ann.do("broadcast Hello");
  assertEquals((await ann.expect("system.notice")).code, "admin.broadcast");
  const list = await test.fetch("/admin/admins", { headers: auth });
  assertEquals(await list.json(), { admins: [{ name: "Ann", source: "granted" }] });
  const revoked = await test.fetch("/admin/admins/Ann", { method: "DELETE", headers: auth });
  assertEquals(await revoked.json(), { name: "Ann", admin: false });
  assertEquals((await ann.expect("system.notice")).code, "admin.revoked");
  await ann.do("broadcast Hello");
  assertEquals((await ann.expect("system.error")).code, "unknown_command");
  const missing = await test.fetch("/admin/admins/Nobody", { method: "PUT", headers: auth });
  assertEquals([missing.status, (await missing.json()).error.code], [404, "no_such_account"]);
});

Deno.test("deno task admin grants rights on the server machine while the server is stopped, and refuses while it runs", async () => {
  await using dir = await tempDir();
  let databaseUrl: string | undefined;
  const env = (name: string) =>
    name === "MYTHOS_DATA_DIR"
      ? dir.path
      : name === "MYTHOS_DATABASE_URL"
      ? databaseUrl
      : undefined;
  {
    await using test = await startTestServer({ dataDir: dir.path, env: QUIET });
    databaseUrl = test.config.databaseUrl;
    await using _wilmarth = await TestPlayer.register(test.url, "Wilmarth");
    if (databaseUrl === undefined) {
      // On Deno KV the running server holds the data directory.
      const lines: string[] = [];
      const print = (line: string) => lines.push(line);
      assertEquals(await runAdminCommand(["grant", "Wilmarth"], { env, print }), 1);
      assertStringIncludes(lines.join("\n"), `pid ${Deno.pid}`);
      assertStringIncludes(lines.join("\n"), "/admin/admins/Wilmarth");
    }
  }
  const lines: string[] = [];
  const print = (line: string) => lines.push(line);
  assertEquals(await runAdminCommand(["grant", "nobody"], { env, print }), 1);
  assertEquals(await runAdminCommand(["grant", "wilmarth"], { env, print }), 0);
  assertEquals(await runAdminCommand(["list"], { env, print }), 0);
  assertEquals(await runAdminCommand(["frobnicate"], { env, print }), 2);
  assertEquals(lines.slice(1, 3), ["Wilmarth may now use admin commands.", "Wilmarth"]);
  await using test = await startTestServer({ dataDir: dir.path, env: QUIET });
  await using wilmarth = await TestPlayer.login(test.url, "Wilmarth");
  await wilmarth.connect();
  await wilmarth.expect("room.look");
  await wilmarth.do("goto library");
  const look = await wilmarth.expect("room.look");
  assert(String((look.room as { id: string }).id).includes("library"));
});
