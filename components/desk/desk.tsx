"use client";

import { useState } from "react";
import { LiveFeed } from "@/components/feed/live-feed";
import { SalesChart } from "@/components/sales-chart/sales-chart";
import { SaleForm, type SaleFields } from "./sale-form";
import { SeatMap } from "./seat-map";

const POSITIVE = /^[1-9]\d{0,14}$/;

/** The box-office desk: sale form and seat map beside the sales chart and the live feed. */
export function Desk({ rows, seatsPerRow, initial }: { rows: number; seatsPerRow: number; initial?: Partial<SaleFields> }) {
  const [fields, setFields] = useState<SaleFields>({ name: "", seat: "", movieId: "", sessionId: "", ...initial });
  const movieId = fields.movieId.trim();
  const sessionId = fields.sessionId.trim();
  const screeningChosen = POSITIVE.test(movieId) && POSITIVE.test(sessionId);

  return (
    <div className="flex min-h-0 flex-1 flex-col gap-4 p-4 lg:flex-row">
      <div className="flex w-full shrink-0 flex-col gap-4 lg:w-[28rem]">
        <SaleForm fields={fields} onChange={setFields} />
        <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
          {screeningChosen ? (
            <SeatMap
              movieId={movieId}
              sessionId={sessionId}
              rows={rows}
              seatsPerRow={seatsPerRow}
              selected={fields.seat.trim().toUpperCase()}
              onPick={(seat) => setFields((current) => ({ ...current, seat }))}
            />
          ) : (
            <p className="py-6 text-center text-sm text-slate-500">Enter a movie and a session to see its seats.</p>
          )}
        </div>
      </div>
      <div className="flex min-h-[24rem] min-w-0 flex-1 flex-col gap-4">
        <SalesChart />
        <LiveFeed />
      </div>
    </div>
  );
}
