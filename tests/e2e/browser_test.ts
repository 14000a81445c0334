/**
 * The browser client in real headless Chromium against the real server process, including a
 * server restart in the middle of a session.
 */

import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { join } from "@std/path/join";
import { launchBrowser, requireChromium } from "../support/browser.ts";
import { freePort } from "../support/ports.ts";
import {
  command,
  focusedId,
  line,
  register,
  startGameServer as startServer,
  WAIT,
  watchForProblems,
} from "../support/game_page.ts";
import { startFlakyProxy } from "../support/flaky_proxy.ts";
import { TestPlayer } from "../support/player.ts";
import { spawnServer } from "../support/process.ts";
import { tempDir } from "../support/temp_dir.ts";
import { waitFor } from "../support/wait.ts";

Deno.test("two players play in Chromium, survive a server restart without reloading, and see no line twice", async () => {
  await using data = await tempDir();
  await using shots = await tempDir();
  const port = freePort();
  const url = `http://127.0.0.1:${port}/`;
  let server = await startServer(port, data.path);
  try {
    await using browser = await launchBrowser();
    const ann = await (await browser.newContext()).newPage();
    const bob = await (await browser.newContext()).newPage();
    // Expected: refused connections while the server restarts. (No 401: a first visit asks
    // /api/session, which answers 200 whether or not anyone is signed in.)
    const expected = /ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE/;
    const problems = [ann, bob].map((page) => watchForProblems(page, expected));
    await register(ann, url, "Ann");
    await register(bob, url, "Bob");
    await line(ann, "Bob arrives.").waitFor(WAIT);

    await command(ann, "say hello");
    await line(bob, 'Ann says, "hello"').waitFor(WAIT);
    await line(ann, 'You say, "hello"').waitFor(WAIT);

    await command(ann, "north");
    await line(bob, "Ann leaves north.").waitFor(WAIT);
    await ann.locator("#room-name", { hasText: "Garrison Street" }).waitFor(WAIT);
    await bob.getByRole("button", { name: "north", exact: true }).click();
    await line(ann, "Bob arrives from the south.").waitFor(WAIT);
    assertEquals(await focusedId(bob), "command-input", "after clicking an exit, typing goes on");

    // Restart the server under the pages.
    server.child.kill("SIGTERM");
    for (const page of [ann, bob]) {
      await line(page, "Reconnecting by itself").waitFor(WAIT);
    }
    assertEquals((await server.exited()).code, 0);
    await server[Symbol.asyncDispose]();
    server = await startServer(port, data.path);
    for (const page of [ann, bob]) {
      await page.locator("#connection[data-state=connected]").waitFor(WAIT);
    }

    await command(ann, "say still here");
    await line(bob, 'Ann says, "still here"').waitFor(WAIT);
    await command(bob, "say welcome back");
    await line(ann, 'Bob says, "welcome back"').waitFor(WAIT);

    assertEquals(await line(bob, 'Ann says, "still here"').count(), 1, "no duplicated line");
    assertEquals(await line(bob, 'Ann says, "hello"').count(), 1, "nothing replayed twice");
    assertEquals(await line(ann, "Bob arrives from the south.").count(), 1);
    assertEquals(
      await ann.locator("#output .room-title", { hasText: "Garrison Street" }).count(),
      1,
    );

    const shot = join(shots.path, "game-view.png");
    await ann.screenshot({ path: shot, fullPage: true });
    assert((await Deno.stat(shot)).size > 10_000, "a screenshot of the game view was written");
    assertEquals(problems.flat(), []);
  } finally {
    await server[Symbol.asyncDispose]();
  }
});

/**
 * The server as a process behind a flaky proxy, and Ann registered in Chromium through the proxy.
 */
async function annBehindFlakyProxy() {
  const stack = new AsyncDisposableStack();
  try {
    const data = stack.use(await tempDir());
    const port = freePort();
    const proxy = stack.use(startFlakyProxy(new URL(`http://127.0.0.1:${port}`)));
    const server = stack.use(spawnServer({
      env: {
        MYTHOS_PORT: String(port),
        MYTHOS_DATA_DIR: data.path,
        MYTHOS_PUBLIC_URL: proxy.url.origin,
        MYTHOS_NPC_TICK_MS: "3600000",
      },
    }));
    await server.waitForLog((entry) => entry.msg === "listening");
    const browser = stack.use(await launchBrowser());
    const page = await (await browser.newContext()).newPage();
    await register(page, proxy.url.href, "Ann");
    const moved = stack.move();
    return { port, proxy, server, page, [Symbol.asyncDispose]: () => moved.disposeAsync() };
  } catch (error) {
    await stack.disposeAsync();
    throw error;
  }
}

Deno.test("a command whose answer was lost is tried again with the same Idempotency-Key and runs once", async () => {
  await using behind = await annBehindFlakyProxy();
  const { port, proxy, server, page } = behind;
  await using bob = await TestPlayer.register(new URL(`http://127.0.0.1:${port}`), "Bob");
  await bob.connect();
  await bob.expect("room.look");

  const sentBefore = proxy.commandKeys.length;
  proxy.loseNextCommandAnswers(1);
  await command(page, "say only once");
  await line(page, 'You say, "only once"').waitFor(WAIT);
  // The page tries again after the Retry-After, with the same key.
  const keys = await waitFor(
    () =>
      proxy.commandKeys.length >= sentBefore + 2 ? proxy.commandKeys.slice(sentBefore) : undefined,
    { message: "the page to try the command again" },
  );
  assertEquals(keys.length, 2);
  assertEquals(keys[0], keys[1]);
  assertMatch(String(keys[0]), /^[0-9a-f]{32}$/);
  // The server ran it once and answered the retry from memory.
  await bob.do("say and again");
  await line(page, 'Bob says, "and again"').waitFor(WAIT);
  assertEquals((await bob.expect("room.say", (data) => data.npc !== true)).text, "only once");
  assertEquals((await bob.expect("room.say", (data) => data.npc !== true)).text, "and again");
  assertEquals(await page.locator("#output").getByText('You say, "only once"').count(), 1);
  assertEquals(await page.locator("#output").getByText("Lost on the way").count(), 0);
  server.child.kill("SIGTERM");
  assertEquals((await server.exited()).code, 0);
});

Deno.test("player text is shown as text, never as HTML", async () => {
  await using data = await tempDir();
  const port = freePort();
  await using server = await startServer(port, data.path);
  await using browser = await launchBrowser();
  const page = await (await browser.newContext()).newPage();
  await register(page, `http://127.0.0.1:${port}/`, "Eve");
  await command(page, 'say <img src=x onerror="document.title=1"><b>bold</b>');
  await line(page, 'You say, "<img src=x onerror="document.title=1"><b>bold</b>"').waitFor(WAIT);
  assertEquals(await page.locator("#output img, #output b").count(), 0);
  assert((await page.title()).startsWith("MythosMUD"));
  server.child.kill("SIGTERM");
  await server.exited();
});

Deno.test("after a reconnect that a proxy answered 502, the page takes the server's frames again: hello, status and events", async () => {
  await using behind = await annBehindFlakyProxy();
  const { port, proxy, server, page } = behind;
  // An event with an id, so the page has one to resume from.
  await command(page, "say before");
  await line(page, 'You say, "before"').waitFor(WAIT);

  proxy.failNextStreams(1, 502);
  proxy.dropStreams();
  await page.locator("#connection[data-state=offline]").waitFor(WAIT);
  await page.locator("#connection[data-state=connected]").waitFor(WAIT);
  assertEquals(proxy.failed, 1, "one reconnect was answered 502");
  await line(page, "Reconnected.").waitFor(WAIT);
  assertEquals(await line(page, "Reconnected.").count(), 1, "said once, after the stream is back");

  await using bob = await TestPlayer.register(new URL(`http://127.0.0.1:${port}`), "Bob");
  await bob.connect();
  await bob.expect("room.look");
  await line(page, "Bob arrives.").waitFor(WAIT);
  await bob.do("say can you hear me");
  await line(page, 'Bob says, "can you hear me"').waitFor(WAIT);
  server.child.kill("SIGTERM");
  assertEquals((await server.exited()).code, 0);
});

Deno.test("without Chromium the browser tests fail in one line that says how to install it", async () => {
  const error = await assertRejects(() => requireChromium("/nonexistent/chromium"));
  assert(error instanceof Error);
  assertEquals(
    error.message,
    'The browser tests need Chromium, not found at /nonexistent/chromium: install it with "sudo apt-get install chromium", or set MYTHOS_CHROMIUM to its path.',
  );
  assertEquals(error.stack, error.message, "no stack trace to wade through");
});
