import { pino, type Logger } from "pino";

export type { Logger };

/** cc-backend's --loglevel names, mapped to pino's levels. */
export const LOG_LEVELS = { debug: "debug", info: "info", warn: "warn", err: "error", fatal: "fatal", crit: "fatal" } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;

export function isLogLevel(name: string): name is LogLevelName {
  return Object.hasOwn(LOG_LEVELS, name);
}

/**
 * Structured JSON logs on stderr (stdout stays free for command output such as --jwt). Secrets never
 * reach a log line: the redact paths cover the places they could appear.
 */
export function createLogger(options: { level?: LogLevelName; withDate?: boolean } = {}): Logger {
  return pino(
    {
      level: LOG_LEVELS[options.level ?? "warn"],
      timestamp: options.withDate ? pino.stdTimeFunctions.isoTime : false,
      base: undefined,
      redact: {
        paths: ["password", "*.password", "token", "*.token", "headers.authorization", "headers.cookie", "req.headers.authorization", "req.headers.cookie"],
        censor: "[redacted]",
      },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that drops everything, for tests and library use. */
export const silentLogger: Logger = pino({ level: "silent" });
