/** A Markdown table with padded columns, readable in a terminal and pasteable into the README. */
export function markdownTable(headers: string[], rows: string[][], alignRight: boolean[] = []): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? "").length)));
  const pad = (text: string, c: number) => (alignRight[c] ? text.padStart(widths[c]!) : text.padEnd(widths[c]!));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => pad(cell, c)).join(" | ")} |`;
  const rule = `|${widths.map((w, c) => (alignRight[c] ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(headers), rule, ...rows.map((row) => line(row))].join("\n");
}

const whole = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function int(value: number): string {
  return Number.isFinite(value) ? whole.format(value) : "–";
}

export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "–";
}

/** Milliseconds with precision that suits their size. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}
