/**
 * Rules for character names and passwords.
 *
 * @module
 */

/** Names nobody may take: roles, system words, and the Great Old Ones. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  "admin",
  "administrator",
  "moderator",
  "system",
  "server",
  "root",
  "guest",
  "everyone",
  "nobody",
  "someone",
  "something",
  "you",
  "self",
  "me",
  "all",
  "cthulhu",
  "nyarlathotep",
  "azathoth",
  "dagon",
  "hastur",
  "yog",
  "yogsothoth",
  "shubniggurath",
]);

/** Why a name or password is refused, or `undefined` when it is fine. */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== "string") return "Name must be text";
  if (!/^[A-Za-z]{3,20}$/.test(name)) return "Name must be 3 to 20 letters, A to Z";
  if (RESERVED_NAMES.has(name.toLowerCase())) return "That name is reserved; please choose another";
  return undefined;
}

/** Why a password is refused, or `undefined` when it is fine. */
export function passwordProblem(password: unknown): string | undefined {
  if (typeof password !== "string") return "Password must be text";
  if (password.length < 8 || password.length > 128) {
    return "Password must be 8 to 128 characters";
  }
  return undefined;
}

/** The display form of a name: first letter capital, the rest lower case. */
export function displayName(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1).toLowerCase();
}
