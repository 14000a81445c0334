/**
 * The game's page in Chromium, as the browser tests drive it: a server process of its own, a
 * player registered through the sign-in page, commands typed into the command line, and lines
 * looked for in the log.
 *
 * @module
 */

import { join } from "@std/path/join";
import { launchBrowser, type Page, type TestBrowser } from "./browser.ts";
import { freePort } from "./ports.ts";
import { type ServerProcess, spawnServer } from "./process.ts";
import { tempDir } from "./temp_dir.ts";

/**
 * How long a browser test waits for something on the page before giving up. Generous on purpose:
 * it bounds a wait that includes Chromium's own work, which on a 2-core machine busy with other
 * processes once took longer than 15 s for a first page; a test that passes never waits it out.
 */
export const WAIT = { timeout: 60_000 };

/** The password every browser test player uses. */
export const PAGE_PASSWORD = "correct horse battery";

/**
 * Starts the server as a process on `port` with its data in `dataDir`; NPCs stay put and the
 * clock stands still, so what a test sees is what its players did. `env` adds settings.
 */
export async function startGameServer(
  port: number,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const server = spawnServer({
    env: {
      MYTHOS_PORT: String(port),
      MYTHOS_DATA_DIR: dataDir,
      MYTHOS_PUBLIC_URL: `http://127.0.0.1:${port}`,
      MYTHOS_NPC_TICK_MS: "3600000",
      MYTHOS_CLOCK_MS_PER_HOUR: "3600000",
      ...env,
    },
  });
  await server.waitForLog((entry) => entry.msg === "listening");
  return server;
}

/** Registers `name` through the sign-in page, and waits until the game is connected. */
export async function register(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url);
  await page.getByRole("button", { name: "New investigator" }).click();
  await page.getByLabel("Investigator's name").fill(name);
  await page.getByLabel("Password").fill(PAGE_PASSWORD);
  await page.getByRole("button", { name: "Create and enter" }).click();
  try {
    await page.locator("#output .room-title", { hasText: "Boston & Maine Depot" }).waitFor(WAIT);
    await page.locator("#connection[data-state=connected]").waitFor(WAIT);
  } catch (error) {
    throw new Error(`${name} did not enter the game; the page showed: ${await pageState(page)}`, {
      cause: error,
    });
  }
}

/** What the page shows, in a line: for a failed wait's message. */
async function pageState(page: Page): Promise<string> {
  // A string, evaluated in the page: the tests are type-checked without the DOM's types.
  const state = `JSON.stringify({
    signInShown: !document.querySelector("#login-view").hidden,
    signInError: document.querySelector("#login-error").textContent,
    connection: document.querySelector("#connection").dataset.state,
    lastLines: [...document.querySelectorAll("#output p")].slice(-5).map((p) => p.textContent),
  })`;
  return await page.evaluate(state).then(String, (error) => `(unreadable: ${error})`);
}

/** Types a command and presses Enter. */
export async function command(page: Page, text: string): Promise<void> {
  const input = page.getByLabel("Command");
  await input.fill(text);
  await input.press("Enter");
}

/** The log's lines that contain `text`. */
export function line(page: Page, text: string): ReturnType<Page["locator"]> {
  return page.locator("#output p", { hasText: text });
}

/**
 * Collects the page errors and console errors a page shows, except those `expected` matches.
 * The list should stay empty.
 */
export function watchForProblems(page: Page, expected?: RegExp): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !(expected?.test(message.text()) ?? false)) {
      problems.push(message.text());
    }
  });
  return problems;
}

/**
 * Where screenshots go: `MYTHOS_SCREENSHOT_DIR` (`deno task screenshots` sets it to
 * docs/screenshots, for the README), else a directory removed when the test ends.
 */
export async function screenshotDir(): Promise<{ path: string } & AsyncDisposable> {
  const fixed = Deno.env.get("MYTHOS_SCREENSHOT_DIR");
  if (fixed !== undefined && fixed !== "") {
    await Deno.mkdir(fixed, { recursive: true });
    return { path: fixed, [Symbol.asyncDispose]: async () => {} };
  }
  return await tempDir();
}

/** Saves a screenshot of the page's viewport as `name`.png and answers its size in bytes. */
export async function screenshot(page: Page, dir: string, name: string): Promise<number> {
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path });
  return (await Deno.stat(path)).size;
}

/** A server process and a browser for one test, stopped and closed at its end. */
export interface GameAndBrowser extends AsyncDisposable {
  url: string;
  server: ServerProcess;
  browser: TestBrowser;
}

/**
 * Starts a server with fresh data (and `env`'s settings) and launches Chromium:
 * `await using game = await gameAndBrowser()`.
 */
export async function gameAndBrowser(env: Record<string, string> = {}): Promise<GameAndBrowser> {
  const stack = new AsyncDisposableStack();
  try {
    const data = stack.use(await tempDir());
    const port = freePort();
    const server = stack.use(await startGameServer(port, data.path, env));
    const browser = stack.use(await launchBrowser());
    const moved = stack.move();
    return {
      url: `http://127.0.0.1:${port}/`,
      server,
      browser,
      [Symbol.asyncDispose]: () => moved.disposeAsync(),
    };
  } catch (error) {
    await stack.disposeAsync();
    throw error;
  }
}

/** The id of the element that has the keyboard focus. */
export async function focusedId(page: Page): Promise<string | undefined> {
  return await page.evaluate("document.activeElement?.id") as string | undefined;
}

/**
 * The id of the element with the focus once it is `id`, or whatever has it when the wait gives
 * up: for focus the page's script moves after an answer from the server (on arrival, after asking
 * whether you are signed in), which on a busy machine comes after the element itself is there.
 */
export async function focusSettledOn(page: Page, id: string): Promise<string | undefined> {
  await page.waitForFunction(
    `document.activeElement?.id === ${JSON.stringify(id)}`,
    undefined,
    WAIT,
  )
    .catch(() => {});
  return await focusedId(page);
}

/** One computed style property of the element `locator` finds (`color`, `transition-duration`). */
export async function computedStyle(
  locator: ReturnType<Page["locator"]>,
  property: string,
): Promise<string> {
  return await locator.evaluate(
    // deno-lint-ignore no-explicit-any
    (element, name) => (globalThis as any).getComputedStyle(element).getPropertyValue(name),
    property,
  );
}
