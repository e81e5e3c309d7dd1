/**
 * The test, e2e and bench harness's one door to the environment (the app's is lib/config.ts). Child
 * processes the harness starts inherit the runner's environment, with the harness's own settings on top
 * and `undefined` removing a variable, so that nothing in the caller's shell redirects them by accident.
 */
export function childEnv(settings: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** One variable of the runner's environment (for hand-offs such as Playwright's global setup to its workers). */
export function runnerEnv(name: string): string | undefined {
  return process.env[name];
}

/** Sets variables in the runner's own environment, which the processes it starts afterwards inherit. */
export function setRunnerEnv(settings: Record<string, string>): void {
  Object.assign(process.env, settings);
}
