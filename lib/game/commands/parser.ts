/**
 * Turning typed text into a verb and its arguments.
 *
 * @module
 */

/** The longest command accepted. */
export const MAX_COMMAND_LENGTH = 500;

/** A command as typed: the verb (lower case) and the rest. */
export interface ParsedCommand {
  /** The first word, lower case; `'` and `:` stand alone as say and emote. */
  verb: string;
  /** Everything after the verb, trimmed. */
  args: string;
}

// C0 and C1 controls, DEL, and the Unicode line and paragraph separators: matching them is the
// point, so the lint rule against control characters in patterns does not apply.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

// Format characters (Unicode category Cf): invisible, and some reorder what others see (U+202E
// right-to-left override, the bidi isolates, zero-width spaces and joiners, soft hyphens).
const FORMAT = /\p{Cf}/gu;

/**
 * Replaces control characters with spaces, removes invisible format characters, and trims; collapses
 * nothing else. Everything a player writes passes through here before anyone sees it.
 */
export function sanitizeInput(input: string): string {
  return input.replace(CONTROL, " ").replace(FORMAT, "").trim();
}

/** Splits sanitized input into verb and arguments. */
export function parseCommand(input: string): ParsedCommand {
  const text = sanitizeInput(input);
  const first = text.charAt(0);
  if (first === "'" || first === '"') return { verb: "'", args: text.slice(1).trim() };
  if (first === ":") return { verb: ":", args: text.slice(1).trim() };
  const space = text.search(/\s/);
  if (space === -1) return { verb: text.toLowerCase(), args: "" };
  return { verb: text.slice(0, space).toLowerCase(), args: text.slice(space + 1).trim() };
}

/** Splits off the first word: `"ann hello there"` → `["ann", "hello there"]`. */
export function splitFirst(args: string): [string, string] {
  const space = args.search(/\s/);
  return space === -1 ? [args, ""] : [args.slice(0, space), args.slice(space + 1).trim()];
}

/** The edit distance between two words (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The closest of `words` to `typed`, if it is close enough to be a likely typo. */
export function nearest(typed: string, words: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const word of words) {
    const distance = editDistance(typed, word) - (word.startsWith(typed) ? 1 : 0);
    if (distance < bestDistance) {
      best = word;
      bestDistance = distance;
    }
  }
  // One slip in a short word, two in a longer one: "kill" is not a typo of "tell".
  return bestDistance <= (typed.length <= 4 ? 1 : 2) ? best : undefined;
}
