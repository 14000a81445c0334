/**
 * Headless Chromium (Debian's package) driven by playwright-core, closed when the test ends.
 *
 * @module
 */

// Named in full here, not in deno.json: the server's graph and deno.lock never fetch it (the
// tests keep their own lockfile, tests/deno.lock).
import { type Browser, type BrowserContext, chromium, type Page } from "npm:playwright-core@1.65.1";

export type { Browser, BrowserContext, Page };

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

/** A phone's screen, as the phone tests use it. */
export const PHONE = { width: 390, height: 844 };

/** Options for a new context. */
export interface ContextOptions {
  /** The window's size; default 1100×720. */
  viewport?: { width: number; height: number };
  /** Ask pages for reduced motion (`prefers-reduced-motion: reduce`). */
  reducedMotion?: boolean;
}

/** A browser for one test. Each launch gets a fresh, temporary profile directory. */
export interface TestBrowser extends AsyncDisposable {
  /** The browser. */
  readonly browser: Browser;
  /** A new, isolated context (its own cookies): one player. */
  newContext(options?: ContextOptions): Promise<BrowserContext>;
}

/**
 * Fails in one line that says how to install Chromium when it is missing (rather than with
 * Playwright's stack trace).
 */
export async function requireChromium(path: string = CHROMIUM): Promise<void> {
  try {
    await Deno.stat(path);
  } catch {
    const missing = new Error(
      `The browser tests need Chromium, not found at ${path}: install it with "sudo apt-get install chromium", or set MYTHOS_CHROMIUM to its path.`,
    );
    missing.stack = missing.message;
    throw missing;
  }
}

/** Launches Chromium: `await using browser = await launchBrowser()`. */
export async function launchBrowser(): Promise<TestBrowser> {
  await requireChromium();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    browser,
    newContext: (options = {}) =>
      browser.newContext({
        viewport: options.viewport ?? { width: 1100, height: 720 },
        reducedMotion: options.reducedMotion ? "reduce" : "no-preference",
      }),
    [Symbol.asyncDispose]: async () => {
      await browser.close();
    },
  };
}
