import QRCode from "qrcode";
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import type { ProgramIndex } from "@/lib/validations/program-index";
import { formatPrice, formatShowingStart, screeningLabel } from "@/lib/validations/program-index";

/** What a ticket says: the entry's own fields, and the programme's film, showing and hall when it knows them. */
export interface Ticket {
  id: string;
  name: string | null;
  seat: string | null;
  movieId: string | null;
  sessionId: string | null;
  title: string | null;
  startsAt: string | null;
  hall: string | null;
  /** Cents. */
  price: number | null;
}

/** Field values come from any program that writes to the stream: trim them and keep them short enough for a ticket. */
function text(value: string | undefined, max = 60): string | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}

/** The ticket for an entry, with what is known: a field missing from the entry or the programme is null. */
export function ticketFor(id: string, fields: Record<string, string>, index: ProgramIndex): Ticket {
  const label = screeningLabel(index, fields.movieId, fields.sessionId);
  const price = /^\d{1,9}$/.test(fields.price ?? "") ? Number(fields.price) : (label?.price ?? null);
  return {
    id,
    name: text(fields.name),
    seat: text(fields.seat?.toUpperCase(), 12),
    movieId: text(fields.movieId, 20),
    sessionId: text(fields.sessionId, 20),
    title: label?.title ?? null,
    startsAt: label?.startsAt ?? null,
    hall: label?.hall ?? null,
    price,
  };
}

/** The lines printed under the film, the same on paper and on screen. */
function lines(ticket: Ticket, timeZone?: string): [label: string, value: string][] {
  return [
    ["Seat", ticket.seat ?? "unknown"],
    ["Showing", ticket.startsAt ? formatShowingStart(ticket.startsAt, Date.now(), timeZone) : `session ${ticket.sessionId ?? "unknown"}`],
    ["Hall", ticket.hall ?? "unknown"],
    ["Name", ticket.name ?? "unknown"],
    ...(ticket.price !== null ? ([["Price", formatPrice(ticket.price)]] as [string, string][]) : []),
  ];
}

function film(ticket: Ticket): string {
  return ticket.title ?? (ticket.movieId ? `Movie ${ticket.movieId}` : "Film unknown");
}

const escape = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A self-contained page (inline style and SVG QR code, nothing fetched), so it prints the same anywhere. */
export async function renderTicketHtml(ticket: Ticket, timeZone?: string): Promise<string> {
  const qr = await QRCode.toString(ticket.id, { type: "svg", margin: 0, errorCorrectionLevel: "M" });
  const rows = lines(ticket, timeZone)
    .map(([label, value]) => `<tr><th>${escape(label)}</th><td data-field="${escape(label.toLowerCase())}">${escape(value)}</td></tr>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ticket ${escape(ticket.id)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#0f172a}
.ticket{display:flex;gap:1.5rem;width:fit-content;max-width:36rem;border:2px dashed #94a3b8;border-radius:.75rem;padding:1.25rem}
h1{font-size:1.4rem;margin:0 0 .75rem}th{text-align:left;color:#64748b;font-weight:500;padding-right:1rem}
td{font-weight:600}.qr{width:8rem;flex:none}.id{font:12px ui-monospace,monospace;color:#64748b;margin-top:.75rem}
@media print{body{margin:0}}
</style></head>
<body><div class="ticket"><div><h1 data-field="film">${escape(film(ticket))}</h1><table>${rows}</table>
<div class="id">StreamDesk · ${escape(ticket.id)}</div></div><div class="qr" aria-label="QR code of ${escape(ticket.id)}">${qr}</div></div></body></html>
`;
}

// The standard PDF fonts only encode Latin-1 (WinAnsi); anything else would make pdf-lib throw, so a
// name in another script still prints, with accents dropped and the rest as "?".
function latin1(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\x20-\x7e\xa0-\xff]/g, "?");
}

/** An A6 ticket: film, the lines above, and the QR code of the entry id drawn as vector squares. */
export async function renderTicketPdf(ticket: Ticket, timeZone?: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Ticket ${ticket.id}`);
  pdf.setCreator("StreamDesk");
  const page = pdf.addPage([420, 298]);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const ink = rgb(0.06, 0.09, 0.16);
  const muted = rgb(0.39, 0.45, 0.55);
  page.drawText(latin1(film(ticket)), { x: 24, y: 250, size: 18, font: bold, color: ink, maxWidth: 250 });
  let y = 215;
  for (const [label, value] of lines(ticket, timeZone)) {
    page.drawText(label, { x: 24, y, size: 10, font: regular, color: muted });
    page.drawText(latin1(value), { x: 90, y, size: 12, font: bold, color: ink });
    y -= 24;
  }
  page.drawText(`StreamDesk · ${ticket.id}`, { x: 24, y: 24, size: 8, font: regular, color: muted });
  // The QR code as filled horizontal runs of modules: a third of the operations of one square per module.
  const qr = QRCode.create(ticket.id, { errorCorrectionLevel: "M" });
  const size = qr.modules.size;
  const cell = 110 / size;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (!qr.modules.get(row, col)) continue;
      const start = col;
      while (col + 1 < size && qr.modules.get(row, col + 1)) col++;
      page.drawRectangle({ x: 290 + start * cell, y: 250 - (row + 1) * cell, width: (col - start + 1) * cell, height: cell, color: ink });
    }
  }
  // Object streams make pdf-lib yield between objects: 15 ms a ticket instead of 1, for a few bytes saved.
  return pdf.save({ useObjectStreams: false });
}
