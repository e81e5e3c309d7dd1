type Level = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

let threshold: number = ORDER.info;

function describe(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

function write(level: Exclude<Level, "silent">, message: string, data?: Record<string, unknown>): void {
  if (ORDER[level] < threshold) return;
  const fields = data ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, describe(v)])) : {};
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields });
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");
}

/** One JSON line per event. Callers pass no secrets: only names, ids and counts. */
export const log = {
  setLevel(level: Level) {
    threshold = ORDER[level];
  },
  debug: (message: string, data?: Record<string, unknown>) => write("debug", message, data),
  info: (message: string, data?: Record<string, unknown>) => write("info", message, data),
  warn: (message: string, data?: Record<string, unknown>) => write("warn", message, data),
  error: (message: string, data?: Record<string, unknown>) => write("error", message, data),
};
