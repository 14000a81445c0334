/**
 * Headless Chromium (Debian's package) driven by playwright-core, closed when the test ends.
 *
 * @module
 */

import { type Browser, type BrowserContext, chromium } from "playwright-core";

/** Where Debian installs Chromium; `.ci/run` installs it. */
export const CHROMIUM = Deno.env.get("MYTHOS_CHROMIUM") ?? "/usr/bin/chromium";

/** Flags for a quiet, sandbox-free headless run on a machine without network access. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A browser for one test. Each launch gets a fresh, temporary profile directory. */
export interface TestBrowser extends AsyncDisposable {
  /** The browser. */
  readonly browser: Browser;
  /** A new, isolated context (its own cookies): one player. */
  newContext(): Promise<BrowserContext>;
}

/** Launches Chromium: `await using browser = await launchBrowser()`. */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    browser,
    newContext: () => browser.newContext({ viewport: { width: 1100, height: 720 } }),
    [Symbol.asyncDispose]: async () => {
      await browser.close();
    },
  };
}

/** A free TCP port on loopback (to restart a server on the same port). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
