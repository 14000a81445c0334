/**
 * Text that starts a sentence.
 *
 * @module
 */

/** `text` with its first letter in upper case: "the station conductor" starts a sentence. */
export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
