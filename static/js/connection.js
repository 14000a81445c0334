// @ts-check
// The event stream: an EventSource with a watchdog, its own reconnects when the browser gives
// up, and duplicate suppression by event id.

/**
 * Every event type the server sends: the same list as the server's vocabulary
 * (`lib/bus/events.ts`), which `tests/bus/events_test.ts` checks.
 */
export const EVENT_TYPES = [
  "room.look",
  "room.say",
  "room.emote",
  "room.enter",
  "room.leave",
  "room.items",
  "room.crowd",
  "chat.ooc",
  "party.say",
  "party.where",
  "quest.update",
  "combat.round",
  "tell.received",
  "tell.sent",
  "system.notice",
  "system.error",
  "world.time",
  "player.stats",
  "stream.hello",
  "stream.ping",
  "stream.resync",
  "stream.superseded",
  "stream.shutdown",
];

/** @typedef {"connected" | "reconnecting" | "offline" | "superseded"} ConnectionState */

/**
 * Receives each event once.
 * @callback EventHandler
 * @param {string} type the event type
 * @param {any} data its parsed data
 * @returns {void}
 */

/**
 * Hears the connection's state change.
 * @callback StatusHandler
 * @param {ConnectionState} state
 * @param {string} [detail] why, for a tooltip
 * @returns {void}
 */

/**
 * Keeps one EventSource open to `url`. `onEvent(type, data)` gets each event once;
 * `onStatus(state, detail)` hears "connected", "reconnecting", "offline" and "superseded".
 */
export class Connection {
  /** @type {string} */
  #url;
  /** @type {EventHandler} */
  #onEvent;
  /** @type {StatusHandler} */
  #onStatus;
  /** @type {EventSource | undefined} */
  #source;
  #sourceLastId = "";
  #lastId = 0;
  #heartbeatMs = 15000;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #watchdog;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #retryTimer;
  #retryDelay = 1000;
  #closed = false;

  /**
   * @param {string} url the event stream's path
   * @param {EventHandler} onEvent
   * @param {StatusHandler} onStatus
   */
  constructor(url, onEvent, onStatus) {
    this.#url = url;
    this.#onEvent = onEvent;
    this.#onStatus = onStatus;
  }

  /** Opens the stream. */
  open() {
    this.#closed = false;
    this.#connect();
  }

  /** Closes the stream for good. */
  close() {
    this.#closed = true;
    clearTimeout(this.#watchdog);
    clearTimeout(this.#retryTimer);
    this.#source?.close();
    this.#source = undefined;
  }

  #connect() {
    clearTimeout(this.#retryTimer);
    this.#source?.close();
    // A fresh EventSource cannot set Last-Event-ID itself, so it goes in the query.
    const url = this.#lastId > 0 ? `${this.#url}?lastEventId=${this.#lastId}` : this.#url;
    const source = new EventSource(url);
    this.#source = source;
    this.#sourceLastId = "";
    for (const type of EVENT_TYPES) {
      source.addEventListener(
        type,
        (event) => this.#receive(type, /** @type {MessageEvent<string>} */ (event)),
      );
    }
    source.addEventListener("error", () => this.#failed(source));
    this.#resetWatchdog();
  }

  /**
   * @param {string} type
   * @param {MessageEvent<string>} event
   */
  #receive(type, event) {
    this.#resetWatchdog();
    // event.lastEventId is the last id this EventSource has seen, also on frames that carry none
    // (stream events, snapshots) — and "" on a new EventSource until its first id. Ids only grow,
    // so a frame carries an id exactly when the value changes. Only such a frame can be a repeat
    // (an id not above the newest seen on any earlier EventSource); frames without an id always
    // count. The server never repeats or reorders ids; this guards the page if anything on the
    // way ever did.
    const raw = event.lastEventId ?? "";
    const carriesId = raw !== "" && raw !== this.#sourceLastId;
    this.#sourceLastId = raw;
    if (carriesId) {
      const id = Number(raw);
      if (id <= this.#lastId) return;
      this.#lastId = id;
    }
    /** @type {any} */
    let data = {};
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    if (type === "stream.hello") {
      this.#retryDelay = 1000;
      if (typeof data.heartbeatMs === "number") this.#heartbeatMs = data.heartbeatMs;
      this.#onStatus("connected");
    } else if (type === "stream.shutdown") {
      this.#onStatus("reconnecting", data.reason ?? "The server is restarting");
    } else if (type === "stream.superseded") {
      this.close();
      this.#onStatus("superseded", data.reason ?? "Opened elsewhere");
    }
    this.#onEvent(type, data);
  }

  /** @param {EventSource} source */
  #failed(source) {
    if (this.#closed || source !== this.#source) return;
    if (source.readyState === EventSource.CONNECTING) {
      // The browser reconnects by itself, sending Last-Event-ID.
      this.#onStatus("reconnecting");
      return;
    }
    // The browser gave up (an error status while the server starts or stops): try again later.
    this.#onStatus("offline");
    this.#retryLater();
  }

  #retryLater() {
    clearTimeout(this.#retryTimer);
    const delay = this.#retryDelay * (0.5 + Math.random());
    this.#retryDelay = Math.min(this.#retryDelay * 2, 30000);
    this.#retryTimer = setTimeout(() => {
      if (!this.#closed) this.#connect();
    }, delay);
  }

  #resetWatchdog() {
    clearTimeout(this.#watchdog);
    // Pings come at least every heartbeat; silence well past that means a dead connection.
    this.#watchdog = setTimeout(() => {
      if (this.#closed) return;
      this.#onStatus("reconnecting", "The connection went quiet");
      this.#connect();
    }, this.#heartbeatMs * 2 + 5000);
  }
}
