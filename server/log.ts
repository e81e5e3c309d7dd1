import { pino, type Logger } from "pino";

type Level = "debug" | "info" | "warn" | "error" | "silent";
type Fields = Record<string, unknown>;

/** An error as operators need it: what and where, never the request body or credentials it may carry. */
function describeError(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const code = (value as NodeJS.ErrnoException).code;
  return { name: value.name, message: value.message, ...(code ? { code } : {}) };
}

// Belt and braces: callers pass only names, ids and counts, but a field by one of these names is never written.
const SECRET_PATHS = [
  "password",
  "secret",
  "cookie",
  "authorization",
  "token",
  "*.password",
  "*.secret",
  "*.cookie",
  "*.authorization",
  "*.token",
];

function create(level: Level): Logger {
  // Warnings and errors go to stderr as before, so an operator (and the benchmark) can watch them alone.
  const streams = pino.multistream(
    [
      { level: "trace", stream: pino.destination({ fd: 1, sync: true }) },
      { level: "warn", stream: pino.destination({ fd: 2, sync: true }) },
    ],
    { dedupe: true },
  );
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { error: describeError, err: describeError },
      redact: { paths: SECRET_PATHS, censor: "[redacted]" },
    },
    streams,
  );
}

let root = create("info");

function bind(logger: () => Logger) {
  return {
    debug: (message: string, fields?: Fields) => logger().debug(fields ?? {}, message),
    info: (message: string, fields?: Fields) => logger().info(fields ?? {}, message),
    warn: (message: string, fields?: Fields) => logger().warn(fields ?? {}, message),
    error: (message: string, fields?: Fields) => logger().error(fields ?? {}, message),
  };
}

export type Log = ReturnType<typeof bind>;

/**
 * One JSON line per event (pino). Callers pass no secrets: only names, ids and counts. `forRequest`
 * tags every line with the request id that the response also carries in `x-request-id`.
 */
export const log = {
  ...bind(() => root),
  setLevel(level: Level) {
    root = create(level);
  },
  /** A logger that adds `fields` to every line (a worker's kind, group and consumer). */
  with(fields: Fields): Log {
    return bind(() => root.child(fields));
  },
  forRequest(requestId: string): Log {
    const child = root.child({ requestId });
    return bind(() => child);
  },
};
