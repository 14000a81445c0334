/**
 * The shape of a command.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import type { PlayerState } from "../world.ts";

/** One verb the game understands. */
export interface Command {
  /** The verb. */
  name: string;
  /** Other words for it. */
  aliases?: readonly string[];
  /** How to use it, for `help`. */
  usage: string;
  /** What it does, for `help`. */
  summary: string;
  /** Only admins may use it (for anyone else it does not exist). */
  admin?: boolean;
  /** Runs it. */
  run(game: CommandContext, player: PlayerState, args: string): void | Promise<void>;
}

/** Commands of one kind, as `help` lists them. */
export interface CommandGroup {
  /** What they are for: `Moving`. */
  title: string;
  /** The commands. */
  commands: readonly Command[];
}
