import { setPriority } from "node:os";
import type { ClientMode, ListenersApi, ReferenceApi, SellerApi, SellerPacedApi, WriterApi } from "../support/protocol";
import { Worker } from "../support/rpc";
import { spread, type Rig } from "./rig";

const script = (name: string) => new URL(`../workers/${name}.ts`, import.meta.url);

export const startWriter = () => Worker.start<WriterApi>(script("writer"), "writer");
export const startReference = () => Worker.start<ReferenceApi>(script("reference"), "reference");
export const startSeller = () => Worker.start<SellerApi & SellerPacedApi>(script("seller"), "seller");

/** The lowest priority: such a process only gets CPU time nobody else at normal priority wants. */
const BACKGROUND_NICE = 19;

/**
 * Client processes holding `clients` sockets between them, each socket resumed after `afterId`. With
 * `probe`, the last of them is one socket alone in its own process, joined last (so it is last in the
 * server's broadcast loop), and the others run at the lowest CPU priority: they still take every
 * entry (the server does all the work of 100 sockets) but no longer crowd out the server, Redis and
 * the probe, so the probe times the server rather than the simulated tabs' contention.
 */
export async function startListeners(
  rig: Rig,
  { clients, mode, probe }: { clients: number; mode: ClientMode; probe: boolean },
  afterId: string,
): Promise<{ load: Worker<ListenersApi>[]; probe: Worker<ListenersApi> | undefined }> {
  const plan = [
    ...spread(probe ? clients - 1 : clients).map((sockets) => ({ sockets, mode })),
    ...(probe ? [{ sockets: 1, mode: "full" as const }] : []),
  ];
  const workers = await Promise.all(
    plan.map((_, i) => Worker.start<ListenersApi>(script("listeners"), probe && i === plan.length - 1 ? "probe" : `clients#${i + 1}`)),
  );
  try {
    if (probe) for (const worker of workers.slice(0, -1)) setPriority(worker.pid, BACKGROUND_NICE);
    // One process at a time: handshakes are set-up, and they should not fight each other for the CPU.
    for (const [i, worker] of workers.entries()) {
      await worker.call("connect", { url: rig.appUrl, afterId, headers: rig.session.headers, ...plan[i]! });
    }
  } catch (error) {
    await stopAll(workers);
    throw error;
  }
  return probe ? { load: workers.slice(0, -1), probe: workers.at(-1) } : { load: workers, probe: undefined };
}

export async function stopAll(workers: Iterable<{ stop(): Promise<void> } | undefined>): Promise<void> {
  await Promise.all([...workers].map((worker) => worker?.stop()));
}
