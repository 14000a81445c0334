// @ts-check
// HTTP calls to the game server. Same origin only; the session is an HttpOnly cookie.

/** An error the server answered with: status, code and a message meant for the player. */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status (0 when the server could not be reached)
   * @param {string} code the server's error code
   * @param {string} message what to tell the player
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
    /** @type {number | undefined} milliseconds the server asked to wait (Retry-After) */
    this.retryAfterMs = undefined;
  }
}

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body] sent as JSON
 * @param {Record<string, string>} [headers] more request headers
 * @returns {Promise<any>} the JSON answer, or undefined for 204
 */
async function request(method, path, body, headers = {}) {
  /** @type {RequestInit} */
  const init = { method, credentials: "same-origin", headers: { ...headers } };
  if (body !== undefined) {
    init.headers = { ...headers, "content-type": "application/json" };
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "network", "The server cannot be reached. It may be restarting.");
  }
  if (response.status === 204) return undefined;
  const data = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = data?.error ?? {};
    const failure = new ApiError(
      response.status,
      error.code ?? "error",
      error.message ?? "Something went wrong",
    );
    const retryAfter = Number(response.headers.get("retry-after"));
    if (retryAfter > 0) failure.retryAfterMs = retryAfter * 1000;
    throw failure;
  }
  return data;
}

/**
 * Who is signed in, or undefined. (`/api/session` answers 200 either way, so a first visit logs
 * no error in the console.)
 * @returns {Promise<{ name: string } | undefined>}
 */
export async function signedIn() {
  const session = await request("GET", "/api/session");
  return session?.signedIn ? session.player : undefined;
}

/**
 * Registers a new investigator and logs in.
 * @param {string} name
 * @param {string} password
 */
export function register(name, password) {
  return request("POST", "/api/accounts", { name, password });
}

/**
 * Logs in.
 * @param {string} name
 * @param {string} password
 */
export function login(name, password) {
  return request("POST", "/api/sessions", { name, password });
}

/** Logs out. */
export function logout() {
  return request("DELETE", "/api/sessions");
}

/**
 * A random idempotency key: 32 hex digits. (Not `crypto.randomUUID()`: browsers offer it only
 * on https or localhost, and a family plays over plain http on the home network.)
 */
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** How many times a command is tried while the server is restarting or cannot be reached. */
const COMMAND_TRIES = 4;

/**
 * Sends one command; the results arrive on the event stream. While the server restarts (503) or
 * cannot be reached, it is tried again a few times with the same Idempotency-Key, so a retry
 * after an answer that was lost never runs the command twice.
 * @param {string} command
 */
export async function sendCommand(command) {
  const key = newKey();
  for (let tries = 1;; tries++) {
    try {
      return await request("POST", "/api/commands", { command }, { "idempotency-key": key });
    } catch (error) {
      const passing = error instanceof ApiError && (error.status === 503 || error.status === 0);
      if (!passing || tries >= COMMAND_TRIES) throw error;
      const waitMs = Math.min(error.retryAfterMs ?? 1000, 5000);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
