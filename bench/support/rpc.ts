import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * A worker's methods: one structured-clone-safe argument in, one promised result out. Workers run in their
 * own processes so that a busy client never slows the code it measures, or is mistaken for it.
 */
export type Methods<A> = { [K in keyof A]: (arg: never) => Promise<unknown> };
type Arg<F> = F extends (arg: infer P) => Promise<unknown> ? P : never;
type Res<F> = F extends (arg: never) => Promise<infer R> ? R : never;

interface CallMessage {
  kind: "call";
  id: number;
  method: string;
  arg: unknown;
}
type ReplyMessage = { kind: "reply"; id: number; ok: true; value: unknown } | { kind: "reply"; id: number; ok: false; error: string };
type WorkerMessage = ReplyMessage | { kind: "ready" };

const STOP_GRACE_MS = 3000;

/** The parent's side of one forked worker script. */
export class Worker<A extends Methods<A>> {
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  readonly #exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.#exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.on("message", (message: WorkerMessage) => {
      if (message.kind !== "reply") return;
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.ok) pending?.resolve(message.value);
      else pending?.reject(new Error(`${name}: ${message.error}`));
    });
    child.once("exit", (code, signal) => {
      for (const { reject } of this.#pending.values()) reject(new Error(`${name} exited (${signal ?? code})`));
      this.#pending.clear();
    });
  }

  /** Forks `script` (a .ts file beside bench/workers) under tsx and waits until it can take calls. */
  static async start<A extends Methods<A>>(script: URL, name: string): Promise<Worker<A>> {
    const child = fork(fileURLToPath(script), [], {
      execArgv: ["--import", "tsx"],
      // Typed arrays (latency histograms) cross the channel as they are instead of as JSON objects.
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const worker = new Worker<A>(name, child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within 20 s`)), 20_000);
      child.on("message", (message: WorkerMessage) => {
        if (message.kind !== "ready") return;
        clearTimeout(timer);
        resolve();
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with ${code} while starting`));
      });
    });
    return worker;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  call<K extends keyof A & string>(method: K, arg: Arg<A[K]>): Promise<Res<A[K]>> {
    const id = this.#nextId++;
    const message: CallMessage = { kind: "call", id, method, arg };
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send(message, (error) => {
        if (!error) return;
        this.#pending.delete(id);
        reject(error);
      });
    });
  }

  /** Closes the channel (the worker cleans up and exits on that) and kills it if it lingers. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), STOP_GRACE_MS);
    await this.#exited;
    clearTimeout(timer);
  }
}

/**
 * The worker's side: answers calls with `impl` and, when the parent closes the channel or goes away,
 * runs `close` and exits, so no worker outlives the run.
 */
export function serve<A extends Methods<A>>(impl: A, close: () => Promise<void> = async () => {}): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error("bench workers are started by bench/run.ts, not directly");
  process.on("message", (message: CallMessage) => {
    if (message.kind !== "call") return;
    const method: unknown = impl[message.method as keyof A];
    const reply = (body: ReplyMessage) => {
      if (process.connected) send(body);
    };
    if (typeof method !== "function") {
      reply({ kind: "reply", id: message.id, ok: false, error: `no method ${message.method}` });
      return;
    }
    // The parent's call() is typed against the same Methods<A>, so the argument matches the method.
    (method as (arg: unknown) => Promise<unknown>).call(impl, message.arg).then(
      (value) => reply({ kind: "reply", id: message.id, ok: true, value }),
      (error: unknown) =>
        reply({ kind: "reply", id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.once("disconnect", () => {
    const exit = () => process.exit(0);
    setTimeout(exit, 2000).unref();
    close().then(exit, exit);
  });
  send({ kind: "ready" });
}
