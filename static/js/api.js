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
  }
}

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body] sent as JSON
 * @returns {Promise<any>} the JSON answer, or undefined for 204
 */
async function request(method, path, body) {
  /** @type {RequestInit} */
  const init = { method, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers = { "content-type": "application/json" };
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
    throw new ApiError(
      response.status,
      error.code ?? "error",
      error.message ?? "Something went wrong",
    );
  }
  return data;
}

/** Who is logged in, or undefined. */
export async function me() {
  try {
    return await request("GET", "/api/me");
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return undefined;
    throw error;
  }
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
 * Sends one command; the results arrive on the event stream.
 * @param {string} command
 */
export function sendCommand(command) {
  return request("POST", "/api/commands", { command });
}
