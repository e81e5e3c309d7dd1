"use client";

import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: AppSocket | undefined;

/** The page's one Socket.IO connection, created on first use and shared by every component. */
export function getSocket(): AppSocket {
  socket ??= io({
    path: "/socket.io",
    transports: ["websocket", "polling"],
    autoConnect: false,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    randomizationFactor: 0.5,
  });
  return socket;
}
