/**
 * Playing together: follow and unfollow, parties (invite, accept, leave, chat, where), a
 * character's description, and score.
 *
 * Following lives in memory (it ends with the game); a party and a description are saved with the
 * character, so a family's party survives a restart.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import { MAX_DP, type PlayerState } from "../world.ts";
import type { Command } from "./command.ts";
import { splitFirst } from "./parser.ts";

/** The most investigators one party holds. */
export const PARTY_LIMIT = 6;

/** The longest description a player may give their character. */
export const DESCRIPTION_LIMIT = 300;

/** The one investigator abroad whose name `word` starts, or an error told to the player. */
function someoneAbroad(
  game: CommandContext,
  player: PlayerState,
  word: string,
  what: string,
): PlayerState | undefined {
  if (word === "") {
    game.error(player, `${what} whom?`, "missing_target");
    return undefined;
  }
  const exact = game.world.playersByPrefix(word).filter((other) =>
    other.name.toLowerCase() === word.toLowerCase()
  );
  const matches = exact.length === 1 ? exact : game.world.playersByPrefix(word);
  if (matches.length === 0) {
    game.error(player, `No one called "${word}" is abroad.`, "no_such_player");
    return undefined;
  }
  if (matches.length > 1) {
    game.error(player, `More than one investigator answers to "${word}".`, "ambiguous");
    return undefined;
  }
  return matches[0];
}

function follow(game: CommandContext, player: PlayerState, word: string): void {
  const leader = someoneAbroad(game, player, word.trim(), "Follow");
  if (leader === undefined) return;
  if (leader === player) {
    game.error(player, "You cannot follow yourself; you are already there.", "self");
    return;
  }
  if (leader.room !== player.room) {
    game.error(player, `${leader.name} is not here to follow.`, "not_here");
    return;
  }
  // No circles: Ann following Bob who follows Ann would walk for ever.
  for (let ahead: PlayerState | undefined = leader; ahead !== undefined;) {
    if (ahead.following === player.id) {
      game.error(player, `${leader.name} is already following you.`, "circle");
      return;
    }
    ahead = ahead.following === undefined ? undefined : game.world.player(ahead.following);
  }
  player.following = leader.id;
  game.notice(player, `You follow ${leader.name}. Type unfollow to walk your own way.`, "follow");
  game.notice(leader, `${player.name} follows you.`, "followed");
}

function unfollow(game: CommandContext, player: PlayerState): void {
  const leader = player.following === undefined ? undefined : game.world.player(player.following);
  if (player.following === undefined) {
    game.error(player, "You are not following anyone.", "not_following");
    return;
  }
  player.following = undefined;
  game.notice(player, `You stop following ${leader?.name ?? "them"}.`, "unfollow");
  if (leader !== undefined) {
    game.notice(leader, `${player.name} stops following you.`, "unfollowed");
  }
}

/** Sends a party event to every member of `party` in the world. */
function toParty(game: CommandContext, party: string, text: string, from?: string): void {
  for (const member of game.world.partyOf(party)) {
    game.toPlayer(member, {
      type: "party.say",
      data: from === undefined ? { text } : { from, text },
    });
  }
}

function invite(game: CommandContext, player: PlayerState, word: string): void {
  const guest = someoneAbroad(game, player, word, "Invite");
  if (guest === undefined) return;
  if (guest === player) {
    game.error(player, "You are always welcome in your own party.", "self");
    return;
  }
  const party = player.party ?? player.id;
  if (guest.party === party) {
    game.error(player, `${guest.name} is already in your party.`, "already_member");
    return;
  }
  if (game.world.partyOf(party).length >= PARTY_LIMIT) {
    game.error(player, `A party holds at most ${PARTY_LIMIT} investigators.`, "party_full");
    return;
  }
  guest.invitedTo = { party, by: player.id };
  game.notice(player, `You invite ${guest.name} to join your party.`, "party_invited");
  game.notice(
    guest,
    `${player.name} invites you to join their party. Type party accept to join.`,
    "party_invitation",
  );
}

function accept(game: CommandContext, player: PlayerState): void {
  const invitation = player.invitedTo;
  if (invitation === undefined) {
    game.error(player, "No one has invited you to a party.", "no_invitation");
    return;
  }
  player.invitedTo = undefined;
  if (game.world.partyOf(invitation.party).length >= PARTY_LIMIT) {
    game.error(player, "That party is full now.", "party_full");
    return;
  }
  if (player.party !== undefined) leaveParty(game, player);
  const host = game.world.player(invitation.by);
  // The party is the inviter's: made when the first guest accepts.
  if (host !== undefined && host.party === undefined && host.id === invitation.party) {
    game.world.setParty(host, invitation.party);
    game.changed(host);
  }
  game.world.setParty(player, invitation.party);
  game.changed(player);
  game.partyWhere(invitation.party);
  toParty(game, invitation.party, `${player.name} joins the party.`);
}

function leaveParty(game: CommandContext, player: PlayerState): void {
  const party = player.party;
  if (party === undefined) return;
  toParty(game, party, `${player.name} leaves the party.`);
  game.world.setParty(player, undefined);
  game.changed(player);
  game.partyWhere(party);
  // The one who left no longer sees the others on the map.
  game.toPlayer(player, { type: "party.where", data: { members: [] } });
}

function party(game: CommandContext, player: PlayerState, args: string): void {
  const [word, rest] = splitFirst(args);
  switch (word.toLowerCase()) {
    case "invite":
      invite(game, player, rest);
      return;
    case "accept":
      accept(game, player);
      return;
    case "leave":
      if (player.party === undefined) game.error(player, "You are in no party.", "no_party");
      else leaveParty(game, player);
      return;
    case "": {
      const members = game.world.partyOf(player.party);
      game.notice(
        player,
        player.party === undefined
          ? "You are in no party. Type party invite <name> to start one."
          : `Your party abroad: ${members.map((member) => member.name).join(", ")}.`,
        "party",
        { members: members.map((member) => member.name) },
      );
      return;
    }
    default:
      if (player.party === undefined) {
        game.error(
          player,
          "You are in no party. Type party invite <name> to start one.",
          "no_party",
        );
        return;
      }
      toParty(game, player.party, args, player.name);
  }
}

function where(game: CommandContext, player: PlayerState): void {
  if (player.party === undefined) {
    game.error(player, "You are in no party. Type party invite <name> to start one.", "no_party");
    return;
  }
  const places = game.world.partyOf(player.party).map((member) => ({
    name: member.name,
    room: member.room,
    roomName: game.world.room(member.room)?.name ?? member.room,
  }));
  game.notice(
    player,
    places.map((place) => `${place.name}: ${place.roomName}`).join("\n"),
    "where",
    { members: places },
  );
}

function describe(game: CommandContext, player: PlayerState, text: string): void {
  if (text === "") {
    game.notice(
      player,
      player.description === undefined
        ? "You have not described yourself. Type describe <text>: what others see when they look at you."
        : `Others see: ${player.description}`,
      "description",
    );
    return;
  }
  if (text.length > DESCRIPTION_LIMIT) {
    game.error(
      player,
      `A description is at most ${DESCRIPTION_LIMIT} characters; yours has ${text.length}.`,
      "too_long",
    );
    return;
  }
  player.description = text;
  game.changed(player);
  game.notice(player, `Others now see: ${text}`, "description");
}

function score(game: CommandContext, player: PlayerState): void {
  const carried = game.world.itemsCarriedBy(player.id).map((item) => item.def.name);
  const members = game.world.partyOf(player.party).filter((member) => member !== player);
  const leader = player.following === undefined ? undefined : game.world.player(player.following);
  const quests = [...game.world.quests()].filter((quest) =>
    quest.main || (player.quests.get(quest.id) ?? 0) > 0
  ).map((quest) => {
    const done = player.quests.get(quest.id) ?? 0;
    return done >= quest.steps.length
      ? `${quest.title}: complete.`
      : `${quest.title}: ${done} of ${quest.steps.length} steps.`;
  });
  const lines = [
    `${player.name}, investigator. DP ${player.dp} of ${MAX_DP}; lucidity ${player.lucidity} of 100.`,
    `In ${game.world.room(player.room)?.name ?? player.room}.`,
    carried.length === 0 ? "Carrying nothing." : `Carrying ${carried.join(", ")}.`,
    player.party === undefined
      ? "In no party."
      : members.length === 0
      ? "In a party; no other member is abroad."
      : `In a party with ${members.map((member) => member.name).join(", ")}.`,
    ...(leader === undefined ? [] : [`Following ${leader.name}.`]),
    ...quests,
  ];
  game.notice(player, lines.join("\n"), "score", {
    dp: player.dp,
    lucidity: player.lucidity,
    carrying: carried,
    party: members.map((member) => member.name),
  });
}

/** follow, unfollow, party, where, describe, score. */
export const togetherCommands: readonly Command[] = [
  {
    name: "follow",
    usage: "follow <name>",
    summary: "Walk wherever another investigator here walks.",
    run: follow,
  },
  {
    name: "unfollow",
    usage: "unfollow",
    summary: "Stop following.",
    run: (game, player) => unfollow(game, player),
  },
  {
    name: "party",
    usage: "party [invite <name> | accept | leave | <words>]",
    summary: "Play as a party: invite, accept, leave, or speak to your party wherever they are.",
    run: party,
  },
  {
    name: "where",
    usage: "where",
    summary: "Where the members of your party are.",
    run: (game, player) => where(game, player),
  },
  {
    name: "describe",
    usage: "describe <text>",
    summary: "Say what others see when they look at you.",
    run: describe,
  },
  {
    name: "score",
    aliases: ["sc"],
    usage: "score",
    summary: "Your DP and lucidity, where you are, what you carry, your party and your quests.",
    run: (game, player) => score(game, player),
  },
];
