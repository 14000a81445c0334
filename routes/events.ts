/**
 * `GET /api/events`: the player's Server-Sent Events stream.
 *
 * @module
 */

import { type Context, Hono } from "hono";
import { HttpError } from "../lib/http/errors.ts";

/** The player a stream belongs to. */
export interface Viewer {
  /** The player's stable key (mailbox key). */
  key: string;
  /** The player's display name. */
  name: string;
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
    // Junk is the bus's to judge (it answers with stream.resync), so it is passed as received.
    return await deps.openStream(viewer, c.req.header("last-event-id"));
  });
  return app;
}
