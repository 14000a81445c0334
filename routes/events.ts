/**
 * `GET /api/events`: the player's Server-Sent Events stream.
 *
 * @module
 */

import { type Context, Hono } from "hono";
import { HttpError } from "../lib/http/errors.ts";
import { type PlayerPresence, PresenceError } from "../lib/presence/presence.ts";
import { currentSessionIds, type SessionDeps } from "./session.ts";

/** The player a stream belongs to. */
export interface Viewer {
  /** The player's stable key (mailbox key). */
  key: string;
  /** The player's display name, when the route knows it (the game's presence knows it anyway). */
  name?: string;
  /** The login session the stream is opened under, if any (its streams end with it). */
  session?: string;
}

/** What the events route needs. */
export interface EventsDeps {
  /** Who is asking, from the request (the session cookie); `undefined` answers 401. */
  identify: (c: Context) => Viewer | undefined | Promise<Viewer | undefined>;
  /** Opens the viewer's stream, resuming after `lastEventId` when it can. */
  openStream: (viewer: Viewer, lastEventId: string | undefined) => Response | Promise<Response>;
}

/** Mounts `GET /api/events`. */
export function eventsRoutes(deps: EventsDeps): Hono {
  const app = new Hono();
  app.get("/api/events", async (c) => {
    const viewer = await deps.identify(c);
    if (viewer === undefined) {
      throw new HttpError(401, "unauthorized", "Log in to receive events");
    }
    // The browser sends Last-Event-ID itself when it reconnects; a page that opens a new
    // EventSource passes it in the query instead. Junk is the bus's to judge (stream.resync).
    const lastEventId = c.req.header("last-event-id") ?? c.req.query("lastEventId");
    return await deps.openStream(viewer, lastEventId);
  });
  return app;
}

/** What the players' event streams need: sessions to know who asks, presence to open streams. */
export interface PlayerEventsDeps extends SessionDeps {
  /** Opens streams and puts characters into the world. */
  presence: Pick<PlayerPresence, "openStream">;
}

/** Maps what presence refuses to the answer a client gets. */
function httpErrorFor(error: unknown): unknown {
  if (!(error instanceof PresenceError)) return error;
  switch (error.code) {
    case "closing":
      return new HttpError(503, "unavailable", "The server is restarting", { "retry-after": "5" }, {
        cause: error,
      });
    case "unavailable":
      return new HttpError(503, "unavailable", error.message, { "retry-after": "2" }, {
        cause: error,
      });
    case "no_character":
      return new HttpError(409, "no_character", error.message, {}, { cause: error });
  }
}

/**
 * The events route for logged-in players: the session cookie names the player (and the session,
 * so a password change can end the streams opened under others); presence opens the stream.
 */
export function playerEventsRoutes(deps: PlayerEventsDeps): Hono {
  return eventsRoutes({
    // The session alone names the player: presence reads the character (and the account's
    // admin right) as it brings them in, so the account is not read here as well.
    identify: async (c) => {
      const current = await currentSessionIds(c, deps);
      return current === undefined
        ? undefined
        : { key: current.accountId, session: current.sessionKey };
    },
    openStream: async (viewer, lastEventId) => {
      try {
        return await deps.presence.openStream(viewer.key, lastEventId, viewer.session);
      } catch (error) {
        throw httpErrorFor(error);
      }
    },
  });
}
