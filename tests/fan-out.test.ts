import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";
import type { TicketEntry } from "@/lib/entries";
import { broadcastFramed, type EngineConn } from "@/server/feed/fan-out";
import { until } from "./support/writer";

type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A bare Socket.IO server set up as the app's (no compression), with every socket in room "live". */
async function startServer() {
  const http = createServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    perMessageDeflate: false,
    transports: ["websocket", "polling"],
  });
  io.on("connection", (socket) => void socket.join("live"));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => void io.close(() => resolve())));
  return { io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

/** A tab on the given transport that records every event it receives, in order. */
async function openTab(url: string, transport: "websocket" | "polling") {
  const received: string[] = [];
  const entries: TicketEntry[] = [];
  const socket: Client = connect(url, { transports: [transport], forceNew: true, reconnection: false });
  cleanups.push(() => void socket.disconnect());
  socket.on("feed:status", (status) => received.push(`status ${status.since}`));
  socket.on("feed:entries", (batch) => {
    received.push(`entries ${batch.length}`);
    entries.push(...batch);
  });
  await new Promise<void>((resolve, reject) => {
    socket.on("connect", resolve);
    socket.on("connect_error", reject);
  });
  return { socket, received, entries };
}

function batch(count: number, nameLength: number, start = 0): TicketEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `1700000000000-${start + i}`,
    fields: { name: `${"é".repeat(nameLength)} ${i}`, seat: "A1", movieId: "53", sessionId: "832" },
  }));
}

describe("broadcastFramed", () => {
  it("delivers batches of every frame length (short, 16-bit and 64-bit) to WebSocket tabs, whole and in order", async () => {
    const { io, url } = await startServer();
    const tabs = [await openTab(url, "websocket"), await openTab(url, "websocket")];
    await until(() => io.sockets.adapter.rooms.get("live")?.size === 2, 5000, "both tabs in the room");
    // A one-entry batch is under 126 bytes only with an empty name: that is the 7-bit length case.
    const sent = [
      [{ id: "1-0", fields: {} }],
      batch(3, 10, 1), // a few hundred bytes: a 16-bit length
      batch(400, 200, 10), // ~170 KB, accented names: a 64-bit length, counted in bytes, not characters
    ];
    const counts = sent.map((entries) => broadcastFramed(io, "live", "feed:entries", entries));
    expect(counts).toEqual(sent.map(() => ({ framed: 2, emitted: 0 })));
    for (const tab of tabs) {
      await until(() => tab.entries.length === 404, 5000, "every entry at the tab");
      expect(tab.received).toEqual(["entries 1", "entries 3", "entries 400"]);
      expect(tab.entries).toEqual(sent.flat());
    }
  });

  it("sends a long-polling tab the event the ordinary way, and it gets the same entries", async () => {
    const { io, url } = await startServer();
    const websocket = await openTab(url, "websocket");
    const polling = await openTab(url, "polling");
    await until(() => io.sockets.adapter.rooms.get("live")?.size === 2, 5000, "both tabs in the room");
    const entries = batch(5, 5);
    expect(broadcastFramed(io, "live", "feed:entries", entries)).toEqual({ framed: 1, emitted: 1 });
    for (const tab of [websocket, polling]) {
      await until(() => tab.entries.length === 5, 5000, "the batch at the tab");
      expect(tab.entries).toEqual(entries);
    }
  });

  it("never overtakes what engine.io still holds for a tab: such a tab gets the batch through the same queue, after it", async () => {
    const { io, url } = await startServer();
    const tab = await openTab(url, "websocket");
    await until(() => io.sockets.adapter.rooms.get("live")?.size === 1, 5000, "the tab in the room");
    const [socket] = [...io.sockets.sockets.values()];
    // The first packet is handed to the WebSocket at once; the second waits in engine.io's queue until that
    // write completes, so the batch must wait behind it too.
    socket!.emit("feed:status", { redis: "up", since: 1 });
    socket!.emit("feed:status", { redis: "up", since: 2 });
    expect(broadcastFramed(io, "live", "feed:entries", batch(2, 3))).toEqual({ framed: 0, emitted: 1 });
    await until(() => tab.received.length === 3, 5000, "all three events");
    expect(tab.received).toEqual(["status 1", "status 2", "entries 2"]);
    // Once the queue has drained, the next batch takes the direct path again.
    const conn = socket!.conn as unknown as EngineConn;
    await until(() => conn.writeBuffer?.length === 0, 5000, "engine.io's queue to drain");
    expect(broadcastFramed(io, "live", "feed:status", { redis: "up", since: 3 })).toEqual({ framed: 1, emitted: 0 });
    await until(() => tab.received.length === 4, 5000, "the fourth event");
    expect(tab.received.at(-1)).toBe("status 3");
  });
});
