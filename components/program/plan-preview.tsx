import { hallCapacity, rowPlaces, type HallRow } from "@/lib/validations/program";

/** "180 seats · 2 wheelchair places". */
export function planSummary(rows: readonly HallRow[]): string {
  const seats = hallCapacity({ rows: [...rows] });
  const wheelchair = rows.reduce((sum, row) => sum + (row.wheelchair?.length ?? 0), 0);
  return `${seats} seat${seats === 1 ? "" : "s"}${wheelchair > 0 ? ` · ${wheelchair} wheelchair place${wheelchair === 1 ? "" : "s"}` : ""}`;
}

/**
 * A hall's seat plan drawn as the desk draws it: the screen on top, each row's places left to right by
 * seat number (so aisles line up as gaps), wheelchair places marked.
 */
export function PlanPreview({ rows, className }: { rows: readonly HallRow[]; className?: string }) {
  const width = rows.reduce((max, row) => Math.max(max, row.seats), 0);
  const summary = planSummary(rows);
  return (
    <div data-testid="plan-preview" className={`space-y-3 ${className ?? ""}`}>
      <div className="rounded-md bg-slate-200 py-1 text-center text-[10px] tracking-[0.3em] text-slate-600 uppercase">Screen</div>
      {rows.length === 0 ? (
        <p className="py-6 text-center text-sm text-slate-600">Give a row a number of seats to see the plan.</p>
      ) : (
        <div
          role="img"
          aria-label={`Seat plan: ${rows.length} row${rows.length === 1 ? "" : "s"}, ${summary}`}
          className="grid justify-center gap-1"
          style={{ gridTemplateColumns: `1.25rem repeat(${width}, minmax(0, 1.75rem)) 1.25rem` }}
        >
          {rows.map((row, r) => (
            <PlanRow key={`${r}-${row.row}`} row={row} line={r + 1} width={width} />
          ))}
        </div>
      )}
      <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-slate-600">
        <p className="flex gap-3">
          <Legend className="border border-slate-300 bg-white" label="Seat" />
          <Legend className="border border-sky-400 bg-sky-100" label="Wheelchair place" />
          <Legend className="border border-dashed border-slate-300" label="Aisle" />
        </p>
        <p data-testid="plan-capacity" className="font-semibold text-slate-700 tabular-nums">
          {summary}
        </p>
      </div>
    </div>
  );
}

function PlanRow({ row, line, width }: { row: HallRow; line: number; width: number }) {
  return (
    <>
      <span className="self-center text-center text-[10px] font-semibold text-slate-500" style={{ gridRow: line, gridColumn: 1 }}>
        {row.row}
      </span>
      {rowPlaces(row).map((place) => (
        <span
          key={place.seat}
          data-seat={place.seat}
          data-kind={place.kind}
          title={
            place.kind === "aisle"
              ? `Aisle (${place.seat} is not sold)`
              : place.kind === "wheelchair"
                ? `${place.seat} · wheelchair place`
                : place.seat
          }
          style={{ gridRow: line, gridColumn: place.number + 1 }}
          className={`flex aspect-square min-w-0 items-center justify-center rounded-t-md text-[10px] leading-none font-semibold ${
            place.kind === "aisle"
              ? ""
              : place.kind === "wheelchair"
                ? "border border-sky-400 bg-sky-100 text-sky-800"
                : "border border-slate-300 bg-white text-slate-600"
          }`}
        >
          {place.kind === "aisle" ? "" : place.kind === "wheelchair" ? <span className="text-xs">♿</span> : place.number}
        </span>
      ))}
      <span className="self-center text-center text-[10px] font-semibold text-slate-500" style={{ gridRow: line, gridColumn: width + 2 }}>
        {row.row}
      </span>
    </>
  );
}

function Legend({ className, label }: { className: string; label: string }) {
  return (
    <span className="flex items-center gap-1.5">
      <span aria-hidden className={`inline-block h-3 w-3 rounded-sm ${className}`} />
      {label}
    </span>
  );
}
