/** Positioned text for parser tests, built by hand: what pdf.js would give for a simple page. */
import type { PageText, TextItem } from "@/server/cv/parse/layout";

export interface CellSpec {
  x: number;
  text: string;
  size?: number;
  bold?: boolean;
}

/** A line at `y` (top of the glyphs, in points from the top of the page) made of cells. */
export const line = (y: number, ...cells: (CellSpec | string)[]): TextItem[] =>
  cells.map((c, i) => {
    const cell = typeof c === "string" ? { x: 50 + i * 300, text: c } : c;
    const size = cell.size ?? 10;
    // Helvetica averages about half an em per character.
    return { str: cell.text, x: cell.x, y, w: cell.text.length * size * 0.5, h: size, size, bold: cell.bold ?? false };
  });

/** An A4 page from lines. */
export const page = (...lines: TextItem[][]): PageText => ({ width: 595, height: 842, items: lines.flat() });

/** Lines one under the other from `top`, `step` points apart (the body's leading). */
export function stack(top: number, step: number, rows: (CellSpec | string | (CellSpec | string)[])[]): TextItem[][] {
  // A second plain string on a row is set on the right, where CVs print dates and places.
  return rows.map((r, i) => line(top + i * step, ...(Array.isArray(r) ? r : [r]).map((c, j) => (typeof c === "string" ? { x: j === 0 ? 50 : 430, text: c } : c))));
}
