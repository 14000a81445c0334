/**
 * Talking with NPCs: `talk <npc>`, `ask <npc> about <topic>`, and NPCs answering when a player
 * speaks to them by name in their room. What an NPC knows comes from the world files (`greeting`,
 * `topics`); its answers are said aloud, so everyone in the room hears the conversation.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import type { NpcState, PlayerState } from "../world.ts";
import type { Command } from "./command.ts";
import { questProgress } from "../quests.ts";
import { capitalized } from "../../text/sentence.ts";
import { tooDark } from "./use.ts";

/** The NPC in the player's room that `word` picks out, or an error told to the player. */
function npcHere(game: CommandContext, player: PlayerState, word: string): NpcState | undefined {
  if (tooDark(game, player, "make out anyone")) return undefined;
  const target = game.world.find(player.room, word, { players: false, items: false });
  if (target === "ambiguous") {
    game.error(player, `Which "${word}" do you mean? Use more of the name.`, "ambiguous");
    return undefined;
  }
  if (target !== "none" && target.kind === "npc") return target.npc;
  const someone = game.world.find(player.room, word, { npcs: false, items: false });
  game.error(
    player,
    someone !== "none"
      ? `To talk with another investigator, use say or whisper.`
      : `There is no one called "${word}" here to talk to.`,
    "not_found",
  );
  return undefined;
}

/** The NPC says `text` aloud in its room. */
function npcSays(game: CommandContext, npc: NpcState, text: string): void {
  npc.lastLine = text;
  game.toRoom(npc.room, { type: "room.say", data: { from: npc.def.name, text, npc: true } });
}

/** The topics an NPC can be asked about, as a hint for the player. */
function topicsHint(npc: NpcState): string {
  const topics = [...npc.def.topics.keys()];
  if (topics.length === 0) return "";
  return `You could ask ${npc.def.keywords[0]} about ${
    topics.length === 1 ? topics[0] : `${topics.slice(0, -1).join(", ")} or ${topics.at(-1)}`
  }.`;
}

/** The topic of `npc` that `words` asks about: an exact topic, else one a word starts. */
export function topicFor(npc: NpcState, words: string): string | undefined {
  const wanted = words.toLowerCase().replace(/[^a-z' -]/g, " ").replace(/\s+/g, " ").trim();
  if (wanted === "") return undefined;
  if (npc.def.topics.has(wanted)) return wanted;
  const asked = wanted.split(" ").filter((word) => word.length >= 3);
  for (const topic of npc.def.topics.keys()) {
    const parts = topic.split(/[ -]/);
    // "prof" and "professors" both ask about "professor".
    const about = (word: string) =>
      parts.some((part) => part.startsWith(word) || (part.length >= 4 && word.startsWith(part)));
    if (asked.some(about)) return topic;
  }
  return undefined;
}

function talk(game: CommandContext, player: PlayerState, args: string): void {
  const word = args.replace(/^(to|with)\s+/i, "").trim();
  if (word === "") {
    game.error(player, "Talk to whom? Try talk <name>, for someone you can see here.", "usage");
    return;
  }
  const npc = npcHere(game, player, word);
  if (npc === undefined) return;
  if (npc.def.greeting === undefined) {
    game.notice(player, `${capitalized(npc.def.name)} pays you no attention.`, "npc_silent");
    return;
  }
  npcSays(game, npc, npc.def.greeting);
  const hint = topicsHint(npc);
  if (hint !== "") game.notice(player, hint, "npc_topics");
}

function ask(game: CommandContext, player: PlayerState, args: string): void {
  const match = /^(\S+)\s+(?:about\s+)?(.+)$/i.exec(args.trim());
  if (match === null) {
    game.error(player, "Ask whom about what? Try ask <name> about <topic>.", "usage");
    return;
  }
  const npc = npcHere(game, player, match[1] as string);
  if (npc === undefined) return;
  const topic = topicFor(npc, match[2] as string);
  if (topic === undefined) {
    const hint = topicsHint(npc);
    game.notice(
      player,
      `${capitalized(npc.def.name)} has nothing to say about that.${hint ? ` ${hint}` : ""}`,
      "npc_unknown_topic",
    );
    return;
  }
  npcSays(game, npc, npc.def.topics.get(topic) as string);
  questProgress(game, player, { ask: npc.def.id, about: topic });
}

/**
 * NPCs in the room answer a player who says their name: about a topic the words mention, or
 * with their greeting. One answer per say (the first NPC named); NPCs never answer NPCs.
 */
export function npcsHear(game: CommandContext, player: PlayerState, text: string): void {
  const words = text.toLowerCase().split(/[^a-z']+/).filter((word) => word !== "");
  for (const npc of game.world.npcsIn(player.room)) {
    if (npc.def.greeting === undefined && npc.def.topics.size === 0) continue;
    if (!npc.def.keywords.some((keyword) => words.includes(keyword))) continue;
    const topic = topicFor(npc, words.filter((word) => !npc.def.keywords.includes(word)).join(" "));
    const answer = topic === undefined ? npc.def.greeting : npc.def.topics.get(topic);
    if (answer !== undefined) npcSays(game, npc, answer);
    if (topic !== undefined) questProgress(game, player, { ask: npc.def.id, about: topic });
    return;
  }
}

/** talk, ask. */
export const converseCommands: readonly Command[] = [
  {
    name: "talk",
    aliases: ["greet"],
    usage: "talk <name>",
    summary: "Talk to someone here who is not an investigator: talk conductor.",
    run: talk,
  },
  {
    name: "ask",
    usage: "ask <name> about <topic>",
    summary: "Ask someone here what they know: ask armitage about professor.",
    run: ask,
  },
];
