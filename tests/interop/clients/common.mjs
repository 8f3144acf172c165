// Shared by the node runners: read the arguments, format times as Asia/Tokyo wall clock,
// print one JSON line per occurrence a client shows. Every runner prints the same shape:
//   {"start": "2026-12-05T14:00" | "2026-12-05", "end": ..., "all_day": bool,
//    "summary": "...", "status": "CANCELLED" | "CONFIRMED" | null, "uid": "..."}
import { readFileSync } from 'node:fs';

const TOKYO_OFFSET_MS = 9 * 3600 * 1000; // JST all year, no daylight saving since 1951

export function readArguments() {
  const [path, firstDay, days] = process.argv.slice(2);
  const text = readFileSync(path, 'utf8');
  // The window: local midnight of firstDay in Tokyo, for `days` days.
  const start = new Date(Date.parse(`${firstDay}T00:00:00+09:00`));
  const end = new Date(start.getTime() + Number(days) * 86400 * 1000);
  return { text, start, end, firstDay };
}

/** "YYYY-MM-DDTHH:MM" in Tokyo for an instant (a Date or epoch milliseconds). */
export function tokyoText(instant) {
  const shifted = new Date(new Date(instant).getTime() + TOKYO_OFFSET_MS);
  return shifted.toISOString().slice(0, 16);
}

export function dateText(year, month, day) {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function emit(item) {
  process.stdout.write(`${JSON.stringify(item)}\n`);
}

export function error(message) {
  process.stdout.write(`${JSON.stringify({ error: String(message) })}\n`);
}

/** Whether a shown item starts inside the window (dates compare as Tokyo dates). */
export function inWindow(item, start, end) {
  const first = tokyoText(start).slice(0, 10);
  const last = tokyoText(end).slice(0, 10);
  if (item.all_day) return item.start >= first && item.start < last;
  return item.start >= tokyoText(start) && item.start < tokyoText(end);
}
