/**
 * The fencing token every write of the world carries (docs/cluster-events.md, "One world at a
 * time"). Taking the world lease increments {@linkcode FENCE_KEY}; Redis scripts and PostgreSQL
 * refuse a write whose token is not the newest, so a world that lost its lease without noticing
 * (paused, cut off) cannot change anything.
 *
 * @module
 */

/** The fencing token in Redis: the newest world lease's number. */
export const FENCE_KEY = "mythos:world:fence";

/** The error text Redis scripts answer when a write's token is not the newest. */
export const FENCED_REPLY = "FENCED";

/**
 * Raised when this node's fencing token is no longer the newest (another world has taken the
 * lease), or its lease could not be renewed in time: it must stop acting as the world.
 */
export class FencedOutError extends Error {
  /** Creates the error. */
  constructor(message = "another node holds the world lease now", options?: ErrorOptions) {
    super(message, options);
    this.name = "FencedOutError";
  }
}

/** Whether `error` is Redis refusing a write for its fencing token, or a {@linkcode FencedOutError}. */
export function isFencedOut(error: unknown): boolean {
  return error instanceof FencedOutError || String(error).includes(FENCED_REPLY);
}

/**
 * A Lua prelude for scripts that write on the world's behalf: with `KEYS[1]` the fence key and
 * `ARGV[1]` the writer's token (empty: not fenced), refuses the script unless the token is the
 * newest.
 */
export const FENCE_CHECK = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('${FENCED_REPLY} a newer world holds the lease')
end
`;
