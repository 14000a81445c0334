/**
 * Structured logging: one JSON object per line on stdout.
 *
 * Lines go through `console.log`, so Deno's built-in OpenTelemetry export (`OTEL_DENO=true`)
 * picks them up as log records with no change here.
 *
 * @module
 */

import { LOG_LEVELS, type LogLevel } from "./config.ts";

/** Extra fields on a log line. */
export type LogFields = Record<string, unknown>;

/** Writes log lines at or above a level. */
export interface Logger {
  /** Logs detail useful when chasing a problem. */
  debug(msg: string, fields?: LogFields): void;
  /** Logs a normal event worth an admin's attention. */
  info(msg: string, fields?: LogFields): void;
  /** Logs something unexpected that the server recovered from. */
  warn(msg: string, fields?: LogFields): void;
  /** Logs a failure. */
  error(msg: string, fields?: LogFields): void;
  /** Returns a logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

/** Options for {@linkcode createLogger}. */
export interface LoggerOptions {
  /** Least severe level written; default `info`. */
  level?: LogLevel;
  /** Receives each finished line; default `console.log`. */
  write?: (line: string) => void;
  /** Fields added to every line. */
  fields?: LogFields;
}

/** Turns an error into plain JSON fields; anything else passes through unchanged. */
export function errorFields(error: unknown): unknown {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack };
  }
  return error;
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) return errorFields(value);
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** Creates a logger that writes one JSON object per line: `time`, `level`, `msg`, then fields. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level ?? "info");
  // deno-lint-ignore no-console
  const write = options.write ?? ((line: string) => console.log(line));
  const make = (base: LogFields): Logger => {
    const log = (level: LogLevel, msg: string, fields?: LogFields) => {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      const record = { time: new Date().toISOString(), level, msg, ...base, ...fields };
      let line: string;
      try {
        line = JSON.stringify(record, jsonSafe);
      } catch {
        line = JSON.stringify({ time: record.time, level, msg, note: "fields not serializable" });
      }
      write(line);
    };
    return {
      debug: (msg, fields) => log("debug", msg, fields),
      info: (msg, fields) => log("info", msg, fields),
      warn: (msg, fields) => log("warn", msg, fields),
      error: (msg, fields) => log("error", msg, fields),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

/** A logger that writes nothing, for code paths where logging is optional. */
export const silentLogger: Logger = createLogger({ write: () => {} });
