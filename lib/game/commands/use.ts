/**
 * Using things: read, light, douse, open, close, give, distract, use, and the journal.
 *
 * Dark rooms hide what is in them until someone there carries a lit light; reading in the dark
 * needs both hands, so someone else must hold the light. Locked doors open with their key.
 * Guarded things can be taken only while another player holds the guard's attention.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import { type ItemState, MAX_DP, type NpcState, type PlayerState } from "../world.ts";
import type { Direction, DoorDef } from "../world_data.ts";
import type { Command } from "./command.ts";
import { directionOf } from "./movement.ts";
import { journal, questProgress, wantedBy } from "../quests.ts";
import { capitalized as capital } from "../../text/sentence.ts";

/** Refuses (and says so) when the player's room is too dark to see in. */
export function tooDark(game: CommandContext, player: PlayerState, doing: string): boolean {
  if (game.world.isLit(player.room)) return false;
  game.error(player, `It is too dark to ${doing}. Someone here needs a lit light.`, "dark");
  return true;
}

/** An item the player carries, or one in the room (`carriedOnly` for carried alone). */
function itemAt(
  game: CommandContext,
  player: PlayerState,
  word: string,
  what: string,
  carriedOnly = false,
): ItemState | undefined {
  if (word === "") {
    game.error(player, `${what} what?`, "missing_target");
    return undefined;
  }
  const found = game.world.find(player.room, word, {
    players: false,
    npcs: false,
    carriedBy: player.id,
    carriedOnly: carriedOnly || !game.world.isLit(player.room),
  });
  if (found === "ambiguous") {
    game.error(player, `Which "${word}" do you mean? Be more specific.`, "ambiguous");
    return undefined;
  }
  if (found === "none" || found.kind !== "item") {
    game.error(
      player,
      carriedOnly ? `You are not carrying "${word}".` : `You see no "${word}" here.`,
      "not_found",
    );
    return undefined;
  }
  return found.item;
}

/** The door out of the player's room that `word` names (by keyword or direction). */
function doorAt(
  game: CommandContext,
  player: PlayerState,
  word: string,
): [Direction, DoorDef] | undefined {
  const doors = [...(game.world.room(player.room)?.doors ?? [])];
  const wanted = word.toLowerCase().replace(/^the\s+/, "").trim();
  const direction = directionOf(wanted);
  return doors.find(([way, door]) =>
    way === direction || door.keywords.some((keyword) => keyword.startsWith(wanted))
  );
}

function read(game: CommandContext, player: PlayerState, word: string): void {
  const item = itemAt(game, player, word, "Read");
  if (item === undefined) return;
  if (item.def.text === undefined) {
    game.error(player, `There is nothing to read on ${item.def.name}.`, "unreadable");
    return;
  }
  if (game.world.room(player.room)?.flags.has("dark")) {
    // Both hands for the pages: the light must be in someone else's.
    const held = game.world.playersIn(player.room).some((other) =>
      other !== player && game.world.itemsCarriedBy(other.id).some((light) => light.lit)
    );
    if (!held) {
      game.error(
        player,
        "You need both hands for the pages, and it is dark here: someone else must hold a lit light for you.",
        "dark",
      );
      return;
    }
  }
  game.notice(player, `You read ${item.def.name}:\n${item.def.text}`, "read");
  game.toRoom(player.room, {
    type: "room.emote",
    data: { from: player.name, text: `reads ${item.def.name}.` },
  }, player);
  questProgress(game, player, { read: item.def.id });
}

/** Shows the room again to everyone in it (its light changed). */
function lookAround(game: CommandContext, room: string): void {
  for (const other of game.world.playersIn(room)) game.look(other);
}

function light(game: CommandContext, player: PlayerState, word: string, lit: boolean): void {
  const item = itemAt(game, player, word, lit ? "Light" : "Douse", true);
  if (item === undefined) return;
  if (!item.def.light) {
    game.error(player, `${capital(item.def.name)} cannot be lit.`, "no_light");
    return;
  }
  if (item.lit === lit) {
    game.error(player, `${capital(item.def.name)} is already ${lit ? "lit" : "out"}.`, "already");
    return;
  }
  const wasLit = game.world.isLit(player.room);
  item.lit = lit;
  game.notice(
    player,
    lit ? `You light ${item.def.name}.` : `You put out ${item.def.name}.`,
    lit ? "item.lit" : "item.doused",
  );
  game.toRoom(player.room, {
    type: "room.emote",
    data: { from: player.name, text: `${lit ? "lights" : "puts out"} ${item.def.name}.` },
  }, player);
  if (wasLit !== game.world.isLit(player.room)) lookAround(game, player.room);
}

function open(game: CommandContext, player: PlayerState, word: string, opening: boolean): void {
  if (word === "") {
    game.error(player, `${opening ? "Open" : "Close"} what?`, "missing_target");
    return;
  }
  const found = doorAt(game, player, word);
  if (found === undefined) {
    const box = game.world.isLit(player.room)
      ? game.world.find(player.room, word, { players: false, npcs: false, carriedBy: player.id })
      : "none";
    if (box !== "none" && box !== "ambiguous" && box.kind === "item" && box.item.def.container) {
      lid(game, player, box.item, opening);
      return;
    }
    game.error(player, `There is no "${word}" here to ${opening ? "open" : "close"}.`, "not_found");
    return;
  }
  const [direction, door] = found;
  if (game.world.doorOpen(player.room, direction) === opening) {
    game.error(player, `${capital(door.name)} is already ${opening ? "open" : "shut"}.`, "already");
    return;
  }
  if (opening && !game.world.itemsCarriedBy(player.id).some((item) => item.def.id === door.key)) {
    game.error(player, `${capital(door.name)} is locked, and you do not have its key.`, "locked");
    return;
  }
  game.world.setDoor(player.room, direction, opening);
  game.notice(
    player,
    opening
      ? `You unlock ${door.name} and open it. The way ${direction} is open.`
      : `You shut ${door.name}; its lock catches.`,
    opening ? "door.opened" : "door.closed",
  );
  game.toRoom(player.room, {
    type: "room.emote",
    data: { from: player.name, text: `${opening ? "opens" : "shuts"} ${door.name}.` },
  }, player);
  if (opening) questProgress(game, player, { open: player.room, direction });
}

/** Opens or closes a container's lid. */
function lid(game: CommandContext, player: PlayerState, box: ItemState, opening: boolean): void {
  if (box.def.container === "open") {
    game.error(player, `${capital(box.def.name)} has no lid.`, "no_lid");
    return;
  }
  if (box.open === opening) {
    game.error(
      player,
      `${capital(box.def.name)} is already ${opening ? "open" : "shut"}.`,
      "already",
    );
    return;
  }
  box.open = opening;
  const inside = game.world.itemsInside(box.def.id).map((item) => item.def.name);
  game.notice(
    player,
    opening
      ? `You open ${box.def.name}. ${
        inside.length === 0 ? "It is empty." : `Inside: ${inside.join(", ")}.`
      }`
      : `You close ${box.def.name}.`,
    opening ? "container.opened" : "container.closed",
    { items: inside },
  );
  game.toRoom(player.room, {
    type: "room.emote",
    data: { from: player.name, text: `${opening ? "opens" : "closes"} ${box.def.name}.` },
  }, player);
}

/** `put <item> in <container>`: an atomic, checked move into the container. */
async function put(game: CommandContext, player: PlayerState, args: string): Promise<void> {
  const parsed = /^(.+?)\s+(?:in|into|inside)\s+(.+)$/i.exec(args.trim());
  if (parsed === null) {
    game.error(player, "Put what in what? Try put <item> in <container>.", "usage");
    return;
  }
  const item = itemAt(game, player, parsed[1] as string, "Put", true);
  if (item === undefined) return;
  const box = itemAt(game, player, parsed[2] as string, "Put it in");
  if (box === undefined) return;
  if (box.def.container === undefined) {
    game.error(player, `You cannot put anything in ${box.def.name}.`, "not_container");
    return;
  }
  if (box === item) {
    game.error(player, "It will not go inside itself.", "self");
    return;
  }
  if (item.def.container !== undefined) {
    game.error(player, `${capital(item.def.name)} will not fit inside anything.`, "too_big");
    return;
  }
  if (!box.open) {
    game.error(player, `${capital(box.def.name)} is closed.`, "closed");
    return;
  }
  if (!(await game.moveItem(item, { in: box.def.id }))) {
    game.error(player, `You fumble ${item.def.name} and keep hold of it.`, "busy");
    return;
  }
  item.lit = false;
  game.notice(player, `You put ${item.def.name} in ${box.def.name}.`, "item.put");
  game.toRoom(player.room, {
    type: "room.emote",
    data: { from: player.name, text: `puts ${item.def.name} in ${box.def.name}.` },
  }, player);
}

/** `get <item> from <container>`. */
export async function takeOut(
  game: CommandContext,
  player: PlayerState,
  what: string,
  from: string,
): Promise<void> {
  const box = itemAt(game, player, from, "Take from");
  if (box === undefined) return;
  if (box.def.container === undefined) {
    game.error(player, `There is nothing inside ${box.def.name}.`, "not_container");
    return;
  }
  if (!box.open) {
    game.error(player, `${capital(box.def.name)} is closed.`, "closed");
    return;
  }
  const wanted = what.toLowerCase().trim();
  const inside = game.world.itemsInside(box.def.id).filter((item) =>
    item.def.keywords.some((keyword) => keyword.startsWith(wanted))
  );
  const item = inside[0];
  if (item === undefined || inside.length > 1) {
    game.error(
      player,
      item === undefined
        ? `There is no "${what}" in ${box.def.name}.`
        : `Which "${what}" do you mean? Be more specific.`,
      item === undefined ? "not_found" : "ambiguous",
    );
    return;
  }
  if (item.moving || !(await game.moveItem(item, { player: player.id }))) {
    game.error(player, `Someone else's hand closes on ${item.def.name} first.`, "taken");
    return;
  }
  game.notice(player, `You take ${item.def.name} from ${box.def.name}.`, "item.taken");
  game.toRoom(player.room, {
    type: "room.emote",
    data: { from: player.name, text: `takes ${item.def.name} from ${box.def.name}.` },
  }, player);
  questProgress(game, player, { get: item.def.id });
}

/** `drink` and `eat`: lucidity and DP change as the item says (DP never drops below 1). */
function consume(
  game: CommandContext,
  player: PlayerState,
  word: string,
  verb: "drink" | "eat",
): void {
  const item = itemAt(game, player, word, verb === "drink" ? "Drink" : "Eat", true);
  if (item === undefined) return;
  const effect = item.def[verb];
  if (effect === undefined) {
    game.error(player, `You cannot ${verb} ${item.def.name}.`, `not_${verb}able`);
    return;
  }
  game.notice(player, effect.text, verb === "drink" ? "drank" : "ate");
  game.toRoom(player.room, {
    type: "room.emote",
    data: {
      from: player.name,
      text: `${verb === "drink" ? "drinks from" : "eats from"} ${item.def.name}.`,
    },
  }, player);
  if (effect.dp !== 0) {
    player.dp = Math.max(1, Math.min(MAX_DP, player.dp + effect.dp));
    game.changed(player);
  }
  if (effect.lucidity !== 0) game.changeLucidity(player, effect.lucidity);
  game.stats(player);
}

async function give(game: CommandContext, player: PlayerState, args: string): Promise<void> {
  const parsed = /^(.+?)\s+to\s+(\S+)$/i.exec(args.trim());
  if (parsed === null) {
    game.error(player, "Give what to whom? Try give <item> to <name>.", "usage");
    return;
  }
  const item = itemAt(game, player, parsed[1] as string, "Give", true);
  if (item === undefined) return;
  const name = parsed[2] as string;
  if (tooDark(game, player, "find anyone")) return;
  const target = game.world.find(player.room, name, { items: false });
  if (target === "ambiguous") {
    game.error(player, `Which "${name}" do you mean? Use more of the name.`, "ambiguous");
    return;
  }
  if (target === "none" || target.kind === "item") {
    game.error(player, `There is no one called "${name}" here.`, "not_found");
    return;
  }
  if (target.kind === "player" && target.player === player) {
    game.error(player, "You already have it.", "self");
    return;
  }
  if (target.kind === "npc" && !wantedBy(game, item.def.id, target.npc.def.id)) {
    game.error(
      player,
      `${capital(target.npc.def.name)} does not want ${item.def.name}.`,
      "unwanted",
    );
    return;
  }
  const to = target.kind === "player" ? { player: target.player.id } : { npc: target.npc.def.id };
  if (!(await game.moveItem(item, to))) {
    game.error(player, `You fumble ${item.def.name} and keep hold of it.`, "busy");
    return;
  }
  // The player may have moved while the write was under way: the item went where asked anyway.
  const whom = target.kind === "player" ? target.player.name : target.npc.def.name;
  if (item.lit) item.lit = target.kind === "player";
  game.notice(player, `You give ${item.def.name} to ${whom}.`, "item.given");
  if (target.kind === "player") {
    game.notice(target.player, `${player.name} gives you ${item.def.name}.`, "item.received");
  }
  game.toRoom(player.room, {
    type: "room.emote",
    data: { from: player.name, text: `gives ${item.def.name} to ${whom}.` },
  }, player);
  if (target.kind === "npc") {
    questProgress(game, player, { give: item.def.id, to: target.npc.def.id });
  }
}

function distract(game: CommandContext, player: PlayerState, word: string): void {
  if (word === "") {
    game.error(player, "Distract whom?", "missing_target");
    return;
  }
  if (tooDark(game, player, "see anyone")) return;
  const target = game.world.find(player.room, word, { players: false, items: false });
  if (target === "none" || target === "ambiguous" || target.kind !== "npc") {
    game.error(player, `There is no "${word}" here to distract.`, "not_found");
    return;
  }
  const npc = target.npc;
  if (npc.def.guards === undefined) {
    game.error(
      player,
      `${capital(npc.def.name)} is watching nothing in particular.`,
      "not_guarding",
    );
    return;
  }
  npc.distractedBy = player.id;
  game.notice(
    player,
    `You draw the attention of ${npc.def.name}, asking loud and foolish questions. While you stay, someone else can act.`,
    "distracting",
  );
  game.toRoom(player.room, {
    type: "room.emote",
    data: {
      from: player.name,
      text: `draws the attention of ${npc.def.name} with loud, foolish questions.`,
    },
  }, player);
}

/**
 * The guard watching `item` in the player's room, unless another player there holds its
 * attention; undefined when the player may take it.
 */
export function watchingGuard(
  game: CommandContext,
  player: PlayerState,
  item: ItemState,
): NpcState | undefined {
  const guard = game.world.npcsIn(player.room).find((npc) => npc.def.guards === item.def.id);
  if (guard === undefined) return undefined;
  const distracter = guard.distractedBy === undefined
    ? undefined
    : game.world.player(guard.distractedBy);
  const held = distracter !== undefined && distracter !== player &&
    distracter.room === player.room;
  return held ? undefined : guard;
}

function use(game: CommandContext, player: PlayerState, word: string): Promise<void> | void {
  const item = itemAt(game, player, word, "Use");
  if (item === undefined) return;
  if (item.def.light) return light(game, player, word, !item.lit);
  if (item.def.text !== undefined) return read(game, player, word);
  const door = [...(game.world.room(player.room)?.doors ?? [])].find(([, d]) =>
    d.key === item.def.id
  );
  if (door !== undefined) return open(game, player, door[0], true);
  game.error(player, `You cannot think how to use ${item.def.name} here.`, "no_use");
}

/** read, light, douse, open, close, give, distract, use, journal. */
export const useCommands: readonly Command[] = [
  {
    name: "read",
    usage: "read <thing>",
    summary: "Read something you carry or see. In the dark, someone else must hold the light.",
    run: read,
  },
  {
    name: "light",
    usage: "light <thing>",
    summary: "Light a lantern or a candle you carry: dark places show nothing without one.",
    run: (game, player, word) => light(game, player, word, true),
  },
  {
    name: "douse",
    aliases: ["extinguish"],
    usage: "douse <thing>",
    summary: "Put out a light you carry.",
    run: (game, player, word) => light(game, player, word, false),
  },
  {
    name: "open",
    aliases: ["unlock"],
    usage: "open <door>",
    summary: "Unlock and open a door with its key: open trapdoor, or open down.",
    run: (game, player, word) => open(game, player, word, true),
  },
  {
    name: "close",
    aliases: ["shut", "lock"],
    usage: "close <door>",
    summary: "Shut a door; it locks again.",
    run: (game, player, word) => open(game, player, word, false),
  },
  {
    name: "give",
    usage: "give <item> to <name>",
    summary: "Hand something you carry to an investigator or someone of Arkham here.",
    run: give,
  },
  {
    name: "put",
    usage: "put <item> in <container>",
    summary: "Put something you carry in a box, a trunk or a cabinet.",
    run: put,
  },
  {
    name: "drink",
    usage: "drink <thing>",
    summary: "Drink something you carry. Laudanum eases the mind, at a cost.",
    run: (game, player, word) => consume(game, player, word, "drink"),
  },
  {
    name: "eat",
    usage: "eat <thing>",
    summary: "Eat something you carry, to keep your strength up.",
    run: (game, player, word) => consume(game, player, word, "eat"),
  },
  {
    name: "distract",
    usage: "distract <name>",
    summary: "Hold a guard's attention so that someone else can act.",
    run: distract,
  },
  {
    name: "use",
    usage: "use <thing>",
    summary: "Do the obvious thing with it: light a lantern, read a page, unlock a door.",
    run: use,
  },
  {
    name: "journal",
    aliases: ["j", "quests"],
    usage: "journal",
    summary: "What you know of the story so far, and what to try next.",
    run: (game, player) => game.notice(player, journal(game, player), "journal"),
  },
];
