import { createConnection, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { onTestFinished } from "vitest";

export interface StallProxy {
  url: string;
  /** Holds whatever either side sends from now on (commands and replies alike) until `resume`. */
  stall(): void;
  /** Holds only what Redis sends: commands still reach it and run, their replies wait. */
  stallReplies(): void;
  /**
   * Like `stallReplies`, from the first command that contains `marker` on: that command reaches Redis and
   * runs, and no reply to it (or anything after it) comes back until `resume`.
   */
  stallRepliesFrom(marker: string): void;
  /** Passes on everything held, in order, and everything after it. */
  resume(): void;
  /** Ends every connection through the proxy at once, as a network failure would; held data is lost. */
  cut(): void;
  /** Bytes of commands that reached Redis through the proxy so far. */
  readonly forwarded: number;
}

/**
 * A TCP proxy in front of a real Redis that a test can stall, as a congested or frozen connection
 * would be, without touching Redis itself or any other connection to it. Closed when the test finishes.
 */
export async function startStallProxy(redisPort: number): Promise<StallProxy> {
  const pairs = new Set<[client: Socket, server: Socket]>();
  let commandsHeld = false;
  let repliesHeld = false;
  let forwarded = 0;
  let marker: string | undefined;
  const pipe = (from: Socket, to: Socket, held: () => boolean, counted: boolean) => {
    const queue: Buffer[] = [];
    from.on("data", (chunk: Buffer) => {
      // Set before the command is passed on, so its reply cannot slip through first.
      if (counted && marker !== undefined && chunk.includes(marker)) repliesHeld = true;
      if (held() || queue.length > 0) queue.push(chunk);
      else {
        if (counted) forwarded += chunk.length;
        to.write(chunk);
      }
    });
    return () => {
      if (held()) return;
      for (const chunk of queue.splice(0)) {
        if (counted) forwarded += chunk.length;
        to.write(chunk);
      }
    };
  };
  const flushes = new Set<() => void>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: "127.0.0.1", port: redisPort });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const flushCommands = pipe(client, upstream, () => commandsHeld, true);
    const flushReplies = pipe(upstream, client, () => repliesHeld, false);
    const flush = () => {
      flushCommands();
      flushReplies();
    };
    flushes.add(flush);
    const close = () => {
      pairs.delete(pair);
      flushes.delete(flush);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", close).on("error", close);
    upstream.on("close", close).on("error", close);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const cut = () => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
  };
  onTestFinished(async () => {
    cut();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stall() {
      commandsHeld = true;
      repliesHeld = true;
    },
    stallReplies() {
      repliesHeld = true;
    },
    stallRepliesFrom(text) {
      marker = text;
    },
    resume() {
      marker = undefined;
      commandsHeld = false;
      repliesHeld = false;
      for (const flush of flushes) flush();
    },
    cut,
    get forwarded() {
      return forwarded;
    },
  };
}
