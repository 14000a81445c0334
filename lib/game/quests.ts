/**
 * Quests: a player's progress through the world files' quests, shared by their party.
 *
 * Commands report what a player did (asked an NPC about a topic, read, took, opened, gave,
 * entered); when that is the next step of a quest, the step is done for the player and for every
 * member of their party in the world, each of whom gets a `quest.update` event. Steps are done in
 * order; progress is saved with the character.
 *
 * @module
 */

import type { GameEvent } from "../bus/events.ts";
import type { CommandContext } from "./commands/context.ts";
import type { PlayerState } from "./world.ts";
import type { QuestDef, QuestTrigger } from "./world_data.ts";

/** Whether what a player did is what a quest step waits for. */
export function sameDeed(wanted: QuestTrigger, done: QuestTrigger): boolean {
  if ("ask" in wanted) {
    return "ask" in done && wanted.ask === done.ask && wanted.about === done.about;
  }
  if ("read" in wanted) return "read" in done && wanted.read === done.read;
  if ("get" in wanted) return "get" in done && wanted.get === done.get;
  if ("give" in wanted) return "give" in done && wanted.give === done.give && wanted.to === done.to;
  if ("open" in wanted) {
    return "open" in done && wanted.open === done.open && wanted.direction === done.direction;
  }
  return "enter" in done && wanted.enter === done.enter;
}

/** The `quest.update` event for `quest` with `steps` done. */
export function questUpdate(quest: QuestDef, steps: number, by?: string): GameEvent {
  const step = quest.steps[steps - 1];
  const next = quest.steps[steps];
  return {
    type: "quest.update",
    data: {
      quest: quest.id,
      title: quest.title,
      done: steps,
      steps: quest.steps.length,
      text: step?.done ?? "",
      complete: next === undefined,
      ...(next === undefined ? {} : { next: next.hint }),
      ...(by === undefined ? {} : { by }),
    },
  };
}

/** Records that `player` did `deed`: the quest steps it completes are done for their party. */
export function questProgress(game: CommandContext, player: PlayerState, deed: QuestTrigger): void {
  for (const quest of game.world.quests()) {
    const done = player.quests.get(quest.id) ?? 0;
    const step = quest.steps[done];
    if (step === undefined || !sameDeed(step.when, deed)) continue;
    const party = player.party === undefined ? [player] : game.world.partyOf(player.party);
    for (const member of party) {
      // A member already past this step keeps their place; one behind catches up.
      if ((member.quests.get(quest.id) ?? 0) > done) continue;
      member.quests.set(quest.id, done + 1);
      game.changed(member);
      game.toPlayer(
        member,
        questUpdate(quest, done + 1, member === player ? undefined : player.name),
      );
    }
  }
}

/**
 * Whether some quest has `npc` take `item` when given it: NPCs accept only what a story gives
 * them.
 */
export function wantedBy(game: CommandContext, item: string, npc: string): boolean {
  for (const quest of game.world.quests()) {
    for (const step of quest.steps) {
      if ("give" in step.when && step.when.give === item && step.when.to === npc) return true;
    }
  }
  return false;
}

/** The journal: each quest begun (and the main story always), what is known and what to try next. */
export function journal(game: CommandContext, player: PlayerState): string {
  const parts: string[] = [];
  for (const quest of game.world.quests()) {
    const done = player.quests.get(quest.id) ?? 0;
    if (done === 0 && !quest.main) continue;
    const known = quest.steps.slice(0, done).map((step) => `- ${step.done}`);
    const next = quest.steps[done];
    parts.push(
      [
        `${quest.title}${next === undefined ? " (complete)" : ""}`,
        ...known,
        ...(next === undefined ? [] : [`Next: ${next.hint}`]),
      ].join("\n"),
    );
  }
  return parts.length === 0 ? "Your journal is empty." : parts.join("\n\n");
}

/** Where a player stands in one quest, for the status panel. */
export interface QuestStanding {
  title: string;
  done: number;
  steps: number;
  complete: boolean;
  /** The hint for the next step, while there is one. */
  next?: string;
}

/**
 * The quest a player's status panel shows: the main story while it is unfinished, else a side
 * quest under way, else the finished main story.
 */
export function questInHand(
  quests: Iterable<QuestDef>,
  player: PlayerState,
): QuestStanding | undefined {
  const standings: { main: boolean; standing: QuestStanding }[] = [];
  for (const quest of quests) {
    const done = player.quests.get(quest.id) ?? 0;
    if (done === 0 && !quest.main) continue;
    const next = quest.steps[done];
    standings.push({
      main: quest.main,
      standing: {
        title: quest.title,
        done,
        steps: quest.steps.length,
        complete: next === undefined,
        ...(next === undefined ? {} : { next: next.hint }),
      },
    });
  }
  const open = standings.filter((entry) => !entry.standing.complete);
  return (open.find((entry) => entry.main) ?? open[0] ?? standings.find((entry) => entry.main))
    ?.standing;
}
