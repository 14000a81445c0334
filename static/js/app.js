// @ts-check
// The page: sign in or register, then play. All text is inserted as text, never as HTML.

import * as api from "./api.js";
import { Connection } from "./connection.js";
import { helpElement, isHelpList } from "./help.js";
import { drawMap } from "./map.js";
import { mapLayout, MapMemory } from "./map_layout.js";
import { describeTime, linesFor } from "./render.js";
import { presentIn, roomAfter } from "./room_model.js";

const MAX_LINES = 1000;
const HISTORY = 50;

/**
 * The element with this id, which the page must have.
 * @template {Element} T
 * @param {string} id
 * @param {new () => T} type what kind of element it is
 * @returns {T}
 */
function $(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`The page has no ${type.name} #${id}`);
  return element;
}

const ui = {
  connection: $("connection", HTMLElement),
  connectionText: $("connection-text", HTMLElement),
  loginView: $("login-view", HTMLElement),
  modeLogin: $("mode-login", HTMLButtonElement),
  modeRegister: $("mode-register", HTMLButtonElement),
  loginForm: $("login-form", HTMLFormElement),
  loginName: $("login-name", HTMLInputElement),
  loginPassword: $("login-password", HTMLInputElement),
  loginSubmit: $("login-submit", HTMLButtonElement),
  loginMessage: $("login-message", HTMLElement),
  loginError: $("login-error", HTMLElement),
  gameView: $("game-view", HTMLElement),
  output: $("output", HTMLElement),
  commandForm: $("command-form", HTMLFormElement),
  commandInput: $("command-input", HTMLInputElement),
  leftGame: $("left-game", HTMLElement),
  leftReason: $("left-reason", HTMLElement),
  enterAgain: $("enter-again", HTMLButtonElement),
  leftLogout: $("left-logout", HTMLButtonElement),
  roomName: $("room-name", HTMLElement),
  exits: $("exits", HTMLElement),
  present: $("present", HTMLElement),
  map: $("map", SVGSVGElement),
  lucidity: $("lucidity", HTMLMeterElement),
  lucidityValue: $("lucidity-value", HTMLElement),
  dp: $("dp", HTMLMeterElement),
  dpValue: $("dp-value", HTMLElement),
  time: $("game-time", HTMLElement),
  questTitle: $("quest-title", HTMLElement),
  questNext: $("quest-next", HTMLElement),
  logout: $("logout-button", HTMLButtonElement),
};

let me = "";
/** @type {Connection | undefined} */
let connection;
/** @type {import("./room_model.js").RoomView | undefined} */
let room;
/** @type {MapMemory | undefined} */
let mapMemory;
/** @type {{ name: string, room: string }[]} the other members of the player's party */
let party = [];
/** Whether the stream was lost since it last said hello: the next hello says "Reconnected". */
let interrupted = false;
let everConnected = false;
/** @type {string[]} */
const history = [];
let historyIndex = 0;
/** @type {"login" | "register"} */
let mode = "login";

/** @param {HTMLElement} element */
function append(element) {
  const atBottom = ui.output.scrollHeight - ui.output.scrollTop - ui.output.clientHeight < 40;
  ui.output.append(element);
  while (ui.output.childElementCount > MAX_LINES) ui.output.firstElementChild?.remove();
  if (atBottom) ui.output.scrollTop = ui.output.scrollHeight;
}

/**
 * Adds a line to the output, keeping the view at the bottom if it was there.
 * @param {string} text
 * @param {string} kind a style class
 */
function print(text, kind) {
  const p = document.createElement("p");
  p.className = kind;
  p.textContent = text;
  append(p);
}

/**
 * Shows the connection's state, and remembers a loss so the next hello can say "Reconnected".
 * @param {import("./connection.js").ConnectionState} state
 * @param {string} [detail]
 */
function setStatus(state, detail) {
  /** @type {Record<string, string>} */
  const labels = {
    connected: "connected",
    reconnecting: "reconnecting…",
    offline: "offline",
    superseded: "left the game",
  };
  if (state !== "connected" && everConnected) interrupted = true;
  ui.connection.dataset.state = state === "superseded" ? "offline" : state;
  ui.connectionText.textContent = labels[state] ?? state;
  ui.connection.title = detail ?? "";
}

/** @param {string} direction */
function walk(direction) {
  send(`go ${direction}`);
  // The next typed command still goes to the command line.
  ui.commandInput.focus();
}

/** Fills the side panel from the room as it is now. */
function showRoom() {
  if (room === undefined) return;
  ui.roomName.textContent = room.name;
  ui.exits.replaceChildren(...room.exits.map((exit) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = exit.direction;
    button.addEventListener("click", () => walk(exit.direction));
    item.append(button);
    return item;
  }));
  const present = presentIn(room);
  ui.present.replaceChildren(...present.map((entry) => {
    const item = document.createElement("li");
    item.textContent = entry.text;
    item.className = entry.linkdead ? `${entry.kind} linkdead` : entry.kind;
    return item;
  }));
  if (present.length === 0) {
    const item = document.createElement("li");
    item.className = "nobody";
    item.textContent = "Nobody else; nothing to take.";
    ui.present.append(item);
  }
}

/** Draws the map around the player's room. */
function showMap() {
  if (room === undefined || mapMemory === undefined) return;
  drawMap(ui.map, mapLayout(mapMemory.rooms, room.id, party), walk);
}

/**
 * @param {{ title: string, done: number, steps: number, complete: boolean, next?: string }} quest
 */
function showQuest(quest) {
  ui.questTitle.textContent = quest.complete
    ? `${quest.title} — complete`
    : `${quest.title} — ${quest.done} of ${quest.steps}`;
  ui.questNext.textContent = quest.complete ? "The story is complete." : `Next: ${quest.next}`;
}

/** @param {any} data a player.stats event's data */
function showStats(data) {
  ui.lucidity.value = data.lucidity;
  ui.lucidityValue.textContent = `${data.lucidity} / 100`;
  if (typeof data.dp === "number") {
    ui.dp.max = data.maxDp ?? ui.dp.max;
    ui.dp.high = Math.round(ui.dp.max * 0.6);
    ui.dp.low = Math.round(ui.dp.max * 0.3);
    ui.dp.value = data.dp;
    ui.dpValue.textContent = `${data.dp} / ${ui.dp.max}`;
  }
  if (data.quest) showQuest(data.quest);
}

/**
 * @param {string} type
 * @param {any} data
 */
function onEvent(type, data) {
  if (type === "system.notice" && isHelpList(data)) append(helpElement(data));
  else for (const { text, kind } of linesFor(type, data, me)) print(text, kind);

  if (room !== undefined || type === "room.look") {
    const before = room;
    room = roomAfter(room ?? data.room, type, data, me);
    if (room !== before) showRoom();
  }
  if (type === "room.look") {
    mapMemory?.remember(data.room);
    showMap();
  } else if (type === "party.where") {
    party = data.members.filter((/** @type {{ name: string }} */ member) => member.name !== me);
    showMap();
  } else if (type === "player.stats") showStats(data);
  else if (type === "quest.update") showQuest(data);
  else if (type === "world.time") ui.time.textContent = describeTime(data);
  else if (type === "stream.hello") {
    if (interrupted) print("Reconnected.", "system");
    interrupted = false;
    everConnected = true;
  } else if (type === "stream.resync") send("look", { echo: false });
  else if (type === "stream.superseded") showLeft(data.reason);
}

/**
 * Sends a command, showing it first unless `echo` is false.
 * @param {string} command
 * @param {{ echo: boolean }} [options]
 */
async function send(command, options = { echo: true }) {
  if (options.echo) print(`> ${command}`, "echo");
  try {
    await api.sendCommand(command);
  } catch (error) {
    // A refused command is said plainly; the server publishes nothing for it.
    print(error instanceof Error ? error.message : String(error), "error");
  }
}

/**
 * Opens the game for `name`.
 * @param {string} name the player's name
 */
function startGame(name) {
  if (name !== me) {
    ui.output.replaceChildren();
    room = undefined;
    party = [];
  }
  me = name;
  mapMemory = new MapMemory(name, storage());
  ui.loginView.hidden = true;
  ui.gameView.hidden = false;
  ui.connection.hidden = false;
  ui.leftGame.hidden = true;
  ui.commandForm.hidden = false;
  connection?.close();
  interrupted = false;
  everConnected = false;
  connection = new Connection("/api/events", onEvent, setStatus);
  setStatus("reconnecting", "Connecting");
  connection.open();
  ui.commandInput.focus();
}

/** The browser's local storage, if it lets the page use it. */
function storage() {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * The game has ended for this window (quit, logged out elsewhere, opened in another window):
 * say so, and offer to enter again or log out.
 * @param {string} reason
 */
function showLeft(reason) {
  connection?.close();
  connection = undefined;
  ui.commandForm.hidden = true;
  ui.leftGame.hidden = false;
  ui.leftReason.textContent = `${reason}.`;
  ui.enterAgain.focus();
}

/**
 * Shows the sign-in page.
 * @param {{ message?: string, error?: string }} [say] a plain message, or an error, above the form
 */
function showLogin(say = {}) {
  connection?.close();
  connection = undefined;
  ui.connection.hidden = true;
  ui.gameView.hidden = true;
  ui.loginView.hidden = false;
  ui.loginMessage.textContent = say.message ?? "";
  ui.loginError.textContent = say.error ?? "";
  ui.loginName.focus();
}

/** @param {"login" | "register"} next */
function setMode(next) {
  mode = next;
  ui.modeLogin.setAttribute("aria-pressed", String(next === "login"));
  ui.modeRegister.setAttribute("aria-pressed", String(next === "register"));
  ui.loginSubmit.textContent = next === "login" ? "Sign in" : "Create and enter";
  ui.loginPassword.autocomplete = next === "login" ? "current-password" : "new-password";
  ui.loginError.textContent = "";
}

ui.modeLogin.addEventListener("click", () => {
  setMode("login");
  ui.loginName.focus();
});
ui.modeRegister.addEventListener("click", () => {
  setMode("register");
  ui.loginName.focus();
});

ui.loginForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = ui.loginName.value.trim();
  const password = ui.loginPassword.value;
  ui.loginError.textContent = "";
  ui.loginMessage.textContent = "";
  try {
    const result = mode === "register"
      ? await api.register(name, password)
      : await api.login(name, password);
    ui.loginPassword.value = "";
    startGame(result.player.name);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = error instanceof api.ApiError && error.status === 401 && mode === "login";
    ui.loginError.textContent = unknown
      ? `${message}. New here? Choose "New investigator" first.`
      : message;
  }
});

ui.commandForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const command = ui.commandInput.value.trim();
  if (command === "") return;
  if (history.at(-1) !== command) history.push(command);
  if (history.length > HISTORY) history.shift();
  historyIndex = history.length;
  ui.commandInput.value = "";
  send(command);
});

ui.commandInput.addEventListener("keydown", (event) => {
  if (event.key === "ArrowUp" && historyIndex > 0) {
    historyIndex--;
    ui.commandInput.value = history[historyIndex] ?? "";
    event.preventDefault();
  } else if (event.key === "ArrowDown") {
    historyIndex = Math.min(history.length, historyIndex + 1);
    ui.commandInput.value = history[historyIndex] ?? "";
    event.preventDefault();
  } else if (event.key === "Escape") {
    ui.commandInput.value = "";
  }
});

async function logOut() {
  connection?.close();
  await api.logout().catch(() => {});
  showLogin({ message: "You have logged out. Until next time." });
}

ui.logout.addEventListener("click", logOut);
ui.leftLogout.addEventListener("click", logOut);

ui.enterAgain.addEventListener("click", async () => {
  const current = await api.signedIn().catch(() => undefined);
  if (current) {
    print("You step back into the story.", "system");
    startGame(current.name);
  } else {
    showLogin({ message: "Your session has ended. Sign in again to play." });
  }
});

addEventListener("offline", () => {
  if (connection) setStatus("offline", "The browser is offline");
});

setMode("login");
const current = await api.signedIn().catch(() => undefined);
if (current) startGame(current.name);
else showLogin();
