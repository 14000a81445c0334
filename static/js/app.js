// @ts-check
// The page: log in or register, then play. All text is inserted as text, never as HTML.

import * as api from "./api.js";
import { Connection } from "./connection.js";
import { describeTime, linesFor } from "./render.js";

const MAX_LINES = 1000;
const HISTORY = 50;

/**
 * The element with this id, which the page must have.
 * @template {HTMLElement} T
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
  loginView: $("login-view", HTMLElement),
  loginForm: $("login-form", HTMLFormElement),
  loginName: $("login-name", HTMLInputElement),
  loginPassword: $("login-password", HTMLInputElement),
  loginError: $("login-error", HTMLElement),
  gameView: $("game-view", HTMLElement),
  output: $("output", HTMLElement),
  commandForm: $("command-form", HTMLFormElement),
  commandInput: $("command-input", HTMLInputElement),
  roomName: $("room-name", HTMLElement),
  exits: $("exits", HTMLElement),
  present: $("present", HTMLElement),
  lucidity: $("lucidity", HTMLMeterElement),
  lucidityValue: $("lucidity-value", HTMLElement),
  dp: $("dp", HTMLMeterElement),
  dpValue: $("dp-value", HTMLElement),
  time: $("game-time", HTMLElement),
  connection: $("connection", HTMLElement),
  connectionText: $("connection-text", HTMLElement),
  logout: $("logout-button", HTMLButtonElement),
};

let me = "";
/** @type {Connection | undefined} */
let connection;
/** @type {string[]} */
const history = [];
let historyIndex = 0;

/**
 * Adds a line to the output, keeping the view at the bottom if it was there.
 * @param {string} text
 * @param {string} kind a style class
 */
function print(text, kind) {
  const atBottom = ui.output.scrollHeight - ui.output.scrollTop - ui.output.clientHeight < 40;
  const p = document.createElement("p");
  p.className = kind;
  p.textContent = text;
  ui.output.append(p);
  while (ui.output.childElementCount > MAX_LINES) ui.output.firstElementChild?.remove();
  if (atBottom) ui.output.scrollTop = ui.output.scrollHeight;
}

/**
 * Shows the connection's state.
 * @param {import("./connection.js").ConnectionState} state
 * @param {string} [detail]
 */
function setStatus(state, detail) {
  /** @type {Record<string, string>} */
  const labels = {
    connected: "connected",
    reconnecting: "reconnecting…",
    offline: "offline",
    superseded: "disconnected",
  };
  ui.connection.dataset.state = state === "superseded" ? "offline" : state;
  ui.connectionText.textContent = labels[state] ?? state;
  ui.connection.title = detail ?? "";
}

/**
 * @typedef {object} RoomView
 * @property {string} name
 * @property {{ direction: string, to: string }[]} exits
 * @property {{ name: string, linkdead: boolean }[]} players
 * @property {string[]} npcs
 * @property {string[]} items
 */

/**
 * Fills the side panel from a room.
 * @param {RoomView} room
 */
function showRoom(room) {
  ui.roomName.textContent = room.name;
  ui.exits.replaceChildren(...room.exits.map((exit) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = exit.direction;
    button.addEventListener("click", () => {
      send(`go ${exit.direction}`);
      // The next typed command still goes to the command line.
      ui.commandInput.focus();
    });
    item.append(button);
    return item;
  }));
  const entries = [
    ...room.players.map((p) => ({
      text: p.linkdead ? `${p.name} (lost in thought)` : p.name,
      linkdead: p.linkdead,
    })),
    ...room.npcs.map((name) => ({ text: name, linkdead: false })),
    ...room.items.map((name) => ({ text: name, linkdead: false })),
  ];
  ui.present.replaceChildren(...entries.map((entry) => {
    const item = document.createElement("li");
    item.textContent = entry.text;
    if (entry.linkdead) item.className = "linkdead";
    return item;
  }));
}

/**
 * @param {string} type
 * @param {any} data
 */
function onEvent(type, data) {
  for (const { text, kind } of linesFor(type, data, me)) print(text, kind);
  if (type === "room.look") showRoom(data.room);
  else if (type === "player.stats") {
    ui.lucidity.value = data.lucidity;
    ui.lucidityValue.textContent = String(data.lucidity);
    if (typeof data.dp === "number") {
      ui.dp.max = data.maxDp ?? ui.dp.max;
      ui.dp.value = data.dp;
      ui.dpValue.textContent = `${data.dp} of ${ui.dp.max}`;
    }
  } else if (type === "world.time") ui.time.textContent = describeTime(data);
  else if (type === "stream.resync") send("look", { echo: false });
  else if (type === "stream.superseded") setStatus("superseded", data.reason);
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

/** @param {string} name the player's name */
function startGame(name) {
  me = name;
  ui.loginView.hidden = true;
  ui.gameView.hidden = false;
  ui.output.replaceChildren();
  connection?.close();
  connection = new Connection("/api/events", onEvent, setStatus);
  setStatus("reconnecting", "Connecting");
  connection.open();
  ui.commandInput.focus();
}

/** @param {string} [message] what to say above the form */
function showLogin(message = "") {
  connection?.close();
  connection = undefined;
  setStatus("offline");
  ui.gameView.hidden = true;
  ui.loginView.hidden = false;
  ui.loginError.textContent = message;
  ui.loginName.focus();
}

ui.loginForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const submitter = /** @type {SubmitEvent} */ (event).submitter;
  const action = submitter instanceof HTMLButtonElement && submitter.value === "register"
    ? "register"
    : "login";
  const name = ui.loginName.value.trim();
  const password = ui.loginPassword.value;
  ui.loginError.textContent = "";
  try {
    const result = action === "register"
      ? await api.register(name, password)
      : await api.login(name, password);
    ui.loginPassword.value = "";
    startGame(result.player.name);
  } catch (error) {
    ui.loginError.textContent = error instanceof Error ? error.message : String(error);
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

ui.logout.addEventListener("click", async () => {
  connection?.close();
  await api.logout().catch(() => {});
  showLogin("You have logged out. Until next time.");
});

addEventListener("offline", () => setStatus("offline", "The browser is offline"));

const current = await api.me().catch(() => undefined);
if (current) startGame(current.name);
else showLogin();
