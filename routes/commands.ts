/**
 * `POST /api/commands`: one game command; the results arrive as events.
 *
 * @module
 */

import { Hono } from "hono";
import { MAX_COMMAND_LENGTH, sanitizeInput } from "../lib/game/commands/parser.ts";
import { WORLD_AWAY } from "../lib/cluster/world_client.ts";
import type { Submission } from "../lib/game/game.ts";
import { HttpError } from "../lib/http/errors.ts";
import { readJsonObject } from "../lib/http/requests.ts";
import { currentAccountId, type SessionDeps } from "./session.ts";

/** Runs a player's command: the game itself, or an edge forwarding it to the world node. */
export interface CommandRunner {
  /**
   * Runs `command` for the account; resolves once it has run. A command sent again with the
   * same `idempotencyKey` is answered as the first was, and not run twice.
   */
  submit(
    accountId: string,
    command: string,
    options?: { idempotencyKey?: string },
  ): Promise<Submission | { accepted: false; reason: "unavailable" }>;
}

/** What an `Idempotency-Key` header may hold: what a browser's `crypto.randomUUID()` makes. */
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,64}$/;

/** What the command route needs. */
export interface CommandDeps extends SessionDeps {
  /** Runs commands. */
  game: CommandRunner;
}

/** Mounts `POST /api/commands`. */
export function commandRoutes(deps: CommandDeps): Hono {
  const app = new Hono();
  app.post("/api/commands", async (c) => {
    const accountId = await currentAccountId(c, deps);
    if (accountId === undefined) {
      await c.req.raw.body?.cancel();
      throw new HttpError(401, "unauthorized", "Log in first");
    }
    const body = await readJsonObject(c);
    if (typeof body.command !== "string") {
      throw new HttpError(400, "bad_command", 'Send { "command": "<text>" }');
    }
    if (body.command.length > MAX_COMMAND_LENGTH) {
      throw new HttpError(
        400,
        "command_too_long",
        `Commands are at most ${MAX_COMMAND_LENGTH} characters`,
      );
    }
    const command = sanitizeInput(body.command);
    if (command === "") throw new HttpError(400, "bad_command", "The command is empty");
    const idempotencyKey = c.req.header("idempotency-key");
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new HttpError(
        400,
        "bad_idempotency_key",
        "Idempotency-Key must be 8 to 64 letters, digits, '-' or '_'",
      );
    }
    const result = await deps.game.submit(accountId, command, { idempotencyKey });
    if (result.accepted) return c.json({ accepted: true }, 202);
    if (result.reason === "rate_limited") {
      const seconds = String(Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
      throw new HttpError(
        429,
        "rate_limited",
        "You are moving faster than your thoughts can follow. Slow down a moment.",
        {
          "retry-after": seconds,
        },
      );
    }
    if (result.reason === "unavailable" || result.reason === "closing") {
      throw new HttpError(
        503,
        "unavailable",
        result.reason === "closing" ? "The server is restarting" : WORLD_AWAY,
        { "retry-after": "2" },
      );
    }
    throw new HttpError(
      409,
      "not_in_world",
      "Open the game (the event stream) before sending commands",
    );
  });
  return app;
}
