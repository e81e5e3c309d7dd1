/** Row letters of a seat map with `rows` rows: A, B, C, … */
export function rowLetters(rows: number): string[] {
  return Array.from({ length: rows }, (_, i) => String.fromCharCode(65 + i));
}

export function seatLabel(row: string, number: number): string {
  return `${row}${number}`;
}
