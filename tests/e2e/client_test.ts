/**
 * The browser client as a family uses it, in real headless Chromium against the real server
 * process: signing in, the live "Here" panel, the map, status at a glance, grouped help, and
 * leaving the game and coming back.
 */

import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import {
  command,
  computedStyle,
  focusedId,
  gameAndBrowser,
  line,
  PAGE_PASSWORD,
  register,
  WAIT,
  watchForProblems,
} from "../support/game_page.ts";

Deno.test("the sign-in page: no connection dot, no console error, two plain ways in, and Enter registers a new name", async () => {
  await using game = await gameAndBrowser();
  const page = await (await game.browser.newContext()).newPage();
  const problems = watchForProblems(page);
  await page.goto(game.url);
  await page.getByLabel("Investigator's name").waitFor(WAIT);
  await page.waitForLoadState("networkidle");
  assertEquals([...problems], [], "a first visit logs no error (no 401 for /api/me)");
  assertEquals(await page.locator("#connection").isVisible(), false, "no offline dot yet");

  // An unknown name in the sign-in way is refused, with the other way pointed out.
  await page.getByLabel("Investigator's name").fill("Ann");
  await page.getByLabel("Password").fill(PAGE_PASSWORD);
  await page.getByLabel("Password").press("Enter");
  await page.locator("#login-error", { hasText: "New investigator" }).waitFor(WAIT);

  // The other way: Enter in the password field creates the investigator.
  await page.getByRole("button", { name: "New investigator" }).click();
  assertEquals(
    await page.getByRole("button", { name: "New investigator" }).getAttribute("aria-pressed"),
    "true",
  );
  await page.getByLabel("Password").press("Enter");
  await page.locator("#connection[data-state=connected]").waitFor(WAIT);
  await page.locator("#output .room-title", { hasText: "Boston & Maine Depot" }).waitFor(WAIT);

  // Logging out is news, not an error.
  await page.getByRole("button", { name: "Log out" }).click();
  const message = page.locator("#login-message", { hasText: "You have logged out" });
  await message.waitFor(WAIT);
  assertEquals(await page.locator("#login-error").textContent(), "");
  const colour = await computedStyle(message, "color");
  assert(colour !== "rgb(217, 119, 106)", "not in the error colour");
  assertEquals(await page.locator("#connection").isVisible(), false);

  // Back in the sign-in way, the same name and password sign in.
  await page.getByRole("button", { name: "I have an investigator" }).click();
  await page.getByLabel("Investigator's name").fill("ann");
  await page.getByLabel("Password").fill(PAGE_PASSWORD);
  await page.getByLabel("Password").press("Enter");
  await page.locator("#connection[data-state=connected]").waitFor(WAIT);
  assertEquals(
    problems.filter((problem) => !problem.includes("401")),
    [],
    "nothing but the refused sign-in",
  );
});

Deno.test("the Here panel follows arrivals, departures and things taken and dropped without a look", async () => {
  await using game = await gameAndBrowser();
  const ann = await (await game.browser.newContext()).newPage();
  const bob = await (await game.browser.newContext()).newPage();
  await register(ann, game.url, "Ann");
  const here = ann.locator("#present li");
  await here.filter({ hasText: "a brass lantern" }).waitFor(WAIT);
  await here.filter({ hasText: "the station conductor" }).waitFor(WAIT);

  await register(bob, game.url, "Bob");
  await here.filter({ hasText: "Bob" }).waitFor(WAIT);
  await command(bob, "get lantern");
  await line(ann, "Bob takes a brass lantern.").waitFor(WAIT);
  await here.filter({ hasText: "a brass lantern" }).waitFor({ state: "detached", ...WAIT });
  await command(bob, "drop lantern");
  await here.filter({ hasText: "a brass lantern" }).waitFor(WAIT);
  await command(bob, "north");
  await line(ann, "Bob leaves north.").waitFor(WAIT);
  await here.filter({ hasText: "Bob" }).waitFor({ state: "detached", ...WAIT });
  // Ann looked only once, on arrival: everything since came from the events.
  assertEquals(await ann.locator("#output .room-title").count(), 1);
});

Deno.test("the map shows the rooms seen, where you are, and walks to a room next to yours", async () => {
  await using game = await gameAndBrowser();
  const page = await (await game.browser.newContext()).newPage();
  await register(page, game.url, "Ann");
  const map = page.locator("#map");
  await map.locator(".map-room.here title", { hasText: "Boston & Maine Depot" }).waitFor({
    state: "attached",
    ...WAIT,
  });
  // Not yet seen: the way north is a stub to walk along.
  await map.getByRole("button", { name: "Walk north, somewhere not yet seen" }).click();
  await page.locator("#room-name", { hasText: "Garrison Street" }).waitFor(WAIT);
  await map.locator(".map-room.here title", { hasText: "Garrison Street" }).waitFor({
    state: "attached",
    ...WAIT,
  });
  assertEquals(await map.locator(".map-room").count(), 2);
  assertEquals(await map.locator(".map-link").count(), 1, "the two rooms joined");
  // Seen now: the depot is a room to walk to.
  await map.getByRole("button", { name: "Walk south to Boston & Maine Depot" }).click();
  await page.locator("#room-name", { hasText: "Boston & Maine Depot" }).waitFor(WAIT);
  assertEquals(
    await focusedId(page),
    "command-input",
    "the next typed command still goes to the command line",
  );

  // A party member is marked in the room they are in.
  const bob = await (await game.browser.newContext()).newPage();
  await register(bob, game.url, "Bob");
  await command(page, "party invite bob");
  await command(bob, "party accept");
  await line(page, "Bob joins the party.").waitFor(WAIT);
  await command(bob, "north");
  await map.locator(".map-party title", { hasText: "Bob (your party)" }).waitFor({
    state: "attached",
    ...WAIT,
  });

  // The map is the character's: after a reload it still holds both rooms.
  await page.reload();
  await page.locator("#connection[data-state=connected]").waitFor(WAIT);
  await map.locator(".map-room.here").waitFor(WAIT);
  assertEquals(await map.locator(".map-room").count(), 2);
});

Deno.test("status at a glance: lucidity and health with their numbers, the hour, the story; fights and the story stand out from talk", async () => {
  await using game = await gameAndBrowser();
  const page = await (await game.browser.newContext()).newPage();
  await register(page, game.url, "Ann");
  await page.locator("#lucidity-value", { hasText: "100 / 100" }).waitFor(WAIT);
  await page.locator("#dp-value", { hasText: "20 / 20" }).waitFor(WAIT);
  assertEquals(await page.getByLabel("Lucidity").getAttribute("value"), "100");
  assertEquals(await page.getByLabel("Health").getAttribute("value"), "20");
  assertMatch(String(await page.locator("#game-time").textContent()), /^\d+ [ap]\.m\. — \w/);
  await page.locator("#quest-title", { hasText: "The Vanished Professor — 0 of 7" }).waitFor(WAIT);
  await page.locator("#quest-next", { hasText: "ask newsboy about professor" }).waitFor(WAIT);

  await command(page, "north");
  await command(page, "ask newsboy about professor");
  await page.locator("#quest-title", { hasText: "The Vanished Professor — 1 of 7" }).waitFor(WAIT);
  const update = page.locator("#output p.quest").first();
  await update.waitFor(WAIT);
  await command(page, "say hello");
  const said = line(page, 'You say, "hello"');
  await said.waitFor(WAIT);
  const style = async (locator: typeof said) =>
    `${await computedStyle(locator, "color")} ${await computedStyle(locator, "border-left-style")}`;
  assert((await style(update)) !== (await style(said)), "the story is drawn apart");
});

Deno.test("help arrives as commands grouped by kind, not a wall of lines", async () => {
  await using game = await gameAndBrowser();
  const page = await (await game.browser.newContext()).newPage();
  await register(page, game.url, "Ann");
  await command(page, "help");
  const help = page.locator("#output .help");
  await help.waitFor(WAIT);
  const kinds = await help.locator("dt").allTextContents();
  assert(kinds.length >= 4, `grouped by kind: ${kinds.join(", ")}`);
  const moving = help.locator("dd", { hasText: "north" });
  assertStringIncludes(String(await moving.textContent()), "north (n)");
  assertEquals(await moving.locator("code").first().getAttribute("title") !== null, true);
  assert((await help.evaluate((element) => element.getBoundingClientRect().height)) < 500);
});

Deno.test("quit shows a left-the-game state; Enter again comes back in, Log out goes to the sign-in page", async () => {
  await using game = await gameAndBrowser();
  const page = await (await game.browser.newContext()).newPage();
  const problems = watchForProblems(page);
  await register(page, game.url, "Ann");
  await command(page, "quit");
  await page.locator("#left-reason", { hasText: "You have left the game." }).waitFor(WAIT);
  assertEquals(await page.getByLabel("Command").isVisible(), false, "no command line to type into");
  assertEquals(
    await focusedId(page),
    "enter-again",
    "the way back in has the focus",
  );
  await page.getByRole("button", { name: "Enter again" }).click();
  await page.locator("#connection[data-state=connected]").waitFor(WAIT);
  await page.getByLabel("Command").waitFor(WAIT);
  await command(page, "say back again");
  await line(page, 'You say, "back again"').waitFor(WAIT);
  assertEquals(await line(page, "You step out of the story.").count(), 1, "the log is kept");

  await command(page, "quit");
  await page.getByRole("button", { name: "Log out" }).last().click();
  await page.locator("#login-message", { hasText: "You have logged out" }).waitFor(WAIT);
  assertEquals(problems, []);
});
