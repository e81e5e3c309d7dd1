import { sale, ticket } from "../support/entries";
import { Histogram } from "../support/histogram";
import { loadWindow } from "../support/load";
import type { PacedSalesReport, SalesReport, SellerApi, SellerPacedApi } from "../support/protocol";
import { serve } from "../support/rpc";

const REQUEST_TIMEOUT_MS = 10_000;

const seller: SellerApi & SellerPacedApi = {
  async run({ url, headers, concurrency, maxRequests, durationMs, movieId, seatsPerSale = 1 }) {
    const load = loadWindow();
    const latency = new Histogram();
    const statuses: Record<string, number> = {};
    let firstFailure: string | null = null;
    let issued = 0;
    const start = performance.now();
    const stopAt = start + durationMs;

    // Each of `concurrency` loops keeps one request in flight: a closed loop, as 50 busy sellers would.
    const sellerLoop = async () => {
      while (issued < maxRequests && performance.now() < stopAt) {
        const i = issued++;
        const body = JSON.stringify(seatsPerSale > 1 ? sale(i, movieId, seatsPerSale) : ticket(i, movieId));
        const sent = performance.now();
        let status = "error";
        try {
          const response = await fetch(`${url}/api/tickets`, {
            method: "POST",
            headers: { ...headers, "content-type": "application/json" },
            body,
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          const text = await response.text();
          status = String(response.status);
          if (response.status !== 201) firstFailure ??= `${response.status} ${text.slice(0, 200)}`;
        } catch (error) {
          firstFailure ??= error instanceof Error ? error.message : String(error);
        }
        latency.record(performance.now() - sent);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, sellerLoop));
    return {
      requests: latency.data.count,
      durationMs: performance.now() - start,
      statuses,
      firstFailure,
      latency: latency.data,
      load: load(),
    } satisfies SalesReport;
  },

  async paced({ url, headers, rate, durationMs, movieId, maxInFlight }) {
    const load = loadWindow();
    const latency = new Histogram();
    const statuses: Record<string, number> = {};
    const soldIds: string[] = [];
    let firstFailure: string | null = null;
    let sent = 0;
    let inFlight = 0;
    const answers: Promise<void>[] = [];
    const start = performance.now();
    const sell = async (i: number) => {
      const began = performance.now();
      let status = "error";
      try {
        const response = await fetch(`${url}/api/tickets`, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify(ticket(i, movieId)),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const body = (await response.json().catch(() => ({}))) as { id?: string; error?: string; outcome?: string };
        // A 503 whose reply Redis never sent says the sale may have gone through: counted apart.
        status = response.status === 503 && body.outcome === "unknown" ? "503 (may have gone through)" : String(response.status);
        if (response.status === 201 && body.id) soldIds.push(body.id);
        else firstFailure ??= `${response.status} ${body.error ?? ""}`;
      } catch (error) {
        firstFailure ??= error instanceof Error ? error.message : String(error);
      }
      latency.record(performance.now() - began);
      statuses[status] = (statuses[status] ?? 0) + 1;
      inFlight--;
    };
    while (performance.now() - start < durationMs) {
      const due = Math.floor(((performance.now() - start) * rate) / 1000);
      for (; sent < due && inFlight < maxInFlight; sent++) {
        inFlight++;
        answers.push(sell(sent));
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(answers);
    return {
      attempted: sent,
      soldIds,
      statuses,
      firstFailure,
      durationMs: performance.now() - start,
      latency: latency.data,
      load: load(),
    } satisfies PacedSalesReport;
  },
};

serve(seller);
