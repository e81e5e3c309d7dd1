"use client";

import { useCallback, useMemo, useState } from "react";
import { LiveFeed } from "@/components/feed/live-feed";
import { useProgram } from "@/components/program/program-store";
import { SalesChart } from "@/components/sales-chart/sales-chart";
import { useNow } from "@/components/ui/use-now";
import { salesClosed } from "@/lib/validations/program";
import { formatShowtime, screeningLabel } from "@/lib/validations/program-index";
import { SaleForm, SCREENING_KEY, type SaleFields } from "./sale-form";
import { ScreeningPicker } from "./screening-picker";
import { SeatMap } from "./seat-map";
import { formatSeats, parseSeats, toggleSeat } from "./seats";
import { screeningName, sellableShowings, type ShowingOption } from "./showings";
import { isPositiveId } from "@/lib/validations/ids";

interface Props {
  /** The default plan (SEAT_ROWS × SEATS_PER_ROW) for showings that are not in the programme. */
  rows: number;
  seatsPerRow: number;
  /** MAX_SEATS_PER_SALE. */
  maxSeats: number;
  /** SALES_CLOSE_MINUTES: a showing leaves the picker this long after it started. */
  closeMinutes: number;
  initial?: Partial<SaleFields>;
}

/** The box-office desk: sale form with the screening's seat map, beside the sales chart and the live feed. */
export function Desk({ rows, seatsPerRow, maxSeats, closeMinutes, initial }: Props) {
  const [fields, setFields] = useState<SaleFields>({ name: "", seat: "", movieId: "", sessionId: "", ...initial });
  const [focusMap, setFocusMap] = useState(0);
  // Shown until the selection changes, like the form's field errors.
  const [limit, setLimit] = useState<{ text: string; seat: string } | null>(null);
  const program = useProgram();
  const now = useNow(30_000);
  const movieId = fields.movieId.trim();
  const sessionId = fields.sessionId.trim();
  const screeningChosen = isPositiveId(movieId) && isPositiveId(sessionId);

  const options = useMemo(
    () => sellableShowings(program.view, program.index, now, closeMinutes),
    [program.view, program.index, now, closeMinutes],
  );
  const label = screeningChosen ? screeningLabel(program.index, movieId, sessionId) : null;
  const showing = label ? program.index.showings.get(sessionId) : undefined;
  let hint: string | null = program.error;
  if (!hint && showing && salesClosed(showing, now, closeMinutes)) {
    hint = `Sales for this showing closed at ${formatShowtime(new Date(Date.parse(showing.startsAt) + closeMinutes * 60_000).toISOString())}.`;
  } else if (!hint && screeningChosen && program.view && !label) {
    hint = "Not in the programme: sold on the default seat map.";
  }

  const pickShowing = useCallback((option: ShowingOption, keyboard: boolean) => {
    setFields((current) => ({
      ...current,
      movieId: option.movieId,
      sessionId: option.sessionId,
      // Seats picked for another showing mean nothing in this one.
      seat: current.movieId.trim() === option.movieId && current.sessionId.trim() === option.sessionId ? current.seat : "",
    }));
    localStorage.setItem(SCREENING_KEY, `${option.movieId}/${option.sessionId}`);
    if (keyboard) setFocusMap((n) => n + 1);
  }, []);

  const pickSeat = (seat: string, sold: ReadonlySet<string>) => {
    const toggled = toggleSeat(parseSeats(fields.seat), seat, sold, maxSeats);
    if ("limit" in toggled) {
      setLimit({ text: `One sale holds at most ${toggled.limit} seats: sell these, then the rest in another sale.`, seat: fields.seat });
      return;
    }
    setFields((current) => ({ ...current, seat: formatSeats(toggled.seats) }));
  };

  return (
    <div className="flex min-h-0 flex-1 flex-col gap-4 p-4 lg:flex-row">
      <div className="flex w-full shrink-0 flex-col gap-4 lg:w-[28rem] 2xl:w-[32rem]">
        <SaleForm
          fields={fields}
          onChange={setFields}
          maxSeats={maxSeats}
          price={label?.price}
          picker={
            <ScreeningPicker
              options={options}
              chosenName={label ? screeningName(program.index, movieId, sessionId, now) : null}
              chosenSessionId={label ? sessionId : null}
              hint={hint}
              onPick={pickShowing}
            />
          }
        >
          {screeningChosen ? (
            <SeatMap
              movieId={movieId}
              sessionId={sessionId}
              rows={rows}
              seatsPerRow={seatsPerRow}
              selected={fields.seat}
              onPick={pickSeat}
              focusRequest={focusMap}
            />
          ) : (
            <p className="rounded-lg bg-slate-50 py-6 text-center text-sm text-slate-600">
              Pick a screening (or enter a movie and a session) to see its seats.
            </p>
          )}
          {/* Out of the flow while empty, but never display:none, so screen readers hear the text when it comes. */}
          <p aria-live="polite" className="text-sm text-amber-800 empty:sr-only">
            {limit && limit.seat === fields.seat ? limit.text : ""}
          </p>
        </SaleForm>
      </div>
      <div className="flex min-h-[24rem] min-w-0 flex-1 flex-col gap-4">
        <SalesChart />
        <LiveFeed />
      </div>
    </div>
  );
}
