/**
 * The confusable skeleton of a name, shared by the accounts (who may register) and the stores
 * (which keep the skeleton unique).
 *
 * @module
 */

/**
 * Letters and pairs that pass for one another in most fonts, in the order they are replaced:
 * `rn` reads as `m`, `vv` as `w`, `cl` as `d`, and `I` (as `i`), `l` and `1` as one stroke.
 */
const CONFUSABLES: readonly [RegExp, string][] = [
  [/rn/g, "m"],
  [/vv/g, "w"],
  [/cl/g, "d"],
  [/[il1|]/g, "l"],
  [/0/g, "o"],
];

/**
 * The confusable skeleton of a name: lower case, with look-alike letters and pairs folded to one
 * form. Two names with the same skeleton cannot both be registered ("Arrnitage" beside
 * "Armitage").
 */
export function nameSkeleton(name: string): string {
  let skeleton = name.toLowerCase();
  for (const [pattern, replacement] of CONFUSABLES) {
    skeleton = skeleton.replace(pattern, replacement);
  }
  return skeleton;
}
