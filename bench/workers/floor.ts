import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { Server } from "socket.io";
import { toEntries, type RawEntry } from "@/lib/entries";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";
import { broadcastFramed } from "@/server/feed/fan-out";
import type { FloorApi } from "../support/protocol";
import { serve } from "../support/rpc";

/**
 * The least a Socket.IO feed can do, for the latency phase to compare the app with: one blocking XREAD
 * loop that broadcasts each batch the moment it returns, with no coalescing, no seat index, no metrics,
 * no sessions and no Next.js. `emit` broadcasts with `io.to(room).emit`, as the throw-away loop of issue
 * 12 did; `framed` writes each tab the same pre-encoded frame as the app (server/feed/fan-out.ts).
 * Tabs resume from the id the loop starts at, and join the room at once.
 */
const ROOM = "live";
let redis: Redis | undefined;
let io: Server<ClientToServerEvents, ServerToClientEvents> | undefined;
let stopping = false;

const floor: FloorApi = {
  async start({ redisUrl, stream, afterId, fanOut }) {
    const http = createServer();
    io = new Server<ClientToServerEvents, ServerToClientEvents>(http, { transports: ["websocket"], perMessageDeflate: false });
    io.on("connection", (socket) => {
      socket.on("feed:resume", (_payload, ack) => {
        void socket.join(ROOM);
        ack?.({ upTo: afterId });
      });
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    redis = new Redis(redisUrl, { connectionName: "bench:floor" });
    await redis.ping();
    const server = io;
    const r = redis;
    void (async () => {
      let lastId = afterId;
      while (!stopping) {
        // A failed read (the bench never stops Redis under the floor) is retried after a pause, not in a hot loop.
        const reply = await r
          .xread("COUNT", 1000, "BLOCK", 1000, "STREAMS", stream, lastId)
          .catch(() => new Promise<null>((resolve) => setTimeout(() => resolve(null), 100)));
        const raw = (reply?.[0]?.[1] ?? []) as RawEntry[];
        if (raw.length === 0) continue;
        const entries = toEntries(raw);
        lastId = entries.at(-1)!.id;
        if (fanOut === "emit") server.to(ROOM).emit("feed:entries", entries);
        else broadcastFramed(server, ROOM, "feed:entries", entries);
      }
    })();
    return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
  },
  async elu() {
    const { idle, active } = performance.eventLoopUtilization();
    return { idle, active };
  },
};

serve(floor, async () => {
  stopping = true;
  io?.close();
  redis?.disconnect();
});
