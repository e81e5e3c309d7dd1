// `npm start`: validate the environment, build when the bundle is missing or stale, then serve it.
import { ConfigError, loadConfig } from "../lib/config";
import { buildIfStale } from "./build";

// Next.js reads NODE_ENV itself; `npm start` always serves the production build.
Object.assign(process.env, { NODE_ENV: "production" });
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

try {
  loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`StreamDesk cannot start: ${error.message}\n`);
  process.exit(1);
}
buildIfStale();
await import("../server/index");
