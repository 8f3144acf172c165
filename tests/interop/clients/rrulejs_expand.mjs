// rrule.js the way web calendars use it: for each master VEVENT, its DTSTART, RRULE and
// EXDATE lines go to rrulestr (forceset); instances that a VEVENT with the same UID
// overrides by RECURRENCE-ID are replaced by that VEVENT. Run with TZ=Asia/Tokyo (a
// browser in Tokyo): rrule.js then returns "UTC" dates whose fields are Tokyo wall-clock
// time, as its README says.
//   TZ=Asia/Tokyo node rrulejs_expand.mjs FILE.ics 2026-12-01 400
//
// One adaptation every integration makes: rrulestr cannot read DTSTART;VALUE=DATE (its
// DTSTART pattern allows only TZID), so an all-day DTSTART is passed as a bare date, the
// form rrule.js documents.
import rrule from 'rrule';

import { emit, error, inWindow, readArguments } from './common.mjs';

const { rrulestr } = rrule;

/** Unfolded content lines, grouped into VEVENTs: [{NAME: [{params, value, line}]}]. */
function vevents(text) {
  const lines = text.replace(/\r\n[ \t]/g, '').replace(/\n[ \t]/g, '').split(/\r?\n/);
  const result = [];
  let current = null;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT') {
      result.push(current);
      current = null;
    } else if (current && line) {
      const match = /^([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$/.exec(line);
      if (!match) continue;
      const name = match[1].toUpperCase();
      (current[name] ||= []).push({ params: match[2], value: match[3], line });
    }
  }
  return result;
}

function text(value) {
  return value.replace(/\\n/gi, '\n').replace(/\\([,;\\])/g, '$1');
}

/** A DTSTART/DTEND/RECURRENCE-ID value as Tokyo wall clock: {wall: Date (UTC fields), allDay}. */
function wallClock(property) {
  const { params, value } = property;
  if (/VALUE=DATE(?!-)/i.test(params)) {
    const [, y, m, d] = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
    return { wall: new Date(Date.UTC(+y, m - 1, +d)), allDay: true };
  }
  const [, y, m, d, hh, mm, ss, z] = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/.exec(value);
  let wall = Date.UTC(+y, m - 1, +d, +hh, +mm, +ss);
  if (z) wall += 9 * 3600 * 1000; // UTC to Tokyo wall clock
  else if (!/TZID=Asia\/Tokyo/i.test(params) && /TZID=/i.test(params)) {
    throw new Error(`unexpected time zone in ${property.line}`);
  }
  return { wall: new Date(wall), allDay: false };
}

function wallText(date, allDay) {
  const iso = date.toISOString();
  return allDay ? iso.slice(0, 10) : iso.slice(0, 16);
}

function first(vevent, name) {
  return vevent[name] ? vevent[name][0] : undefined;
}

function show(vevent, startWall, allDay, length, window) {
  const item = {
    start: wallText(startWall, allDay),
    end: wallText(new Date(startWall.getTime() + length), allDay),
    all_day: allDay,
    summary: first(vevent, 'SUMMARY') ? text(first(vevent, 'SUMMARY').value) : '',
    status: first(vevent, 'STATUS') ? first(vevent, 'STATUS').value : null,
    uid: first(vevent, 'UID').value,
  };
  if (inWindow(item, window.start, window.end)) emit(item);
}

function lengthOf(vevent, start) {
  const end = first(vevent, 'DTEND');
  if (end) return wallClock(end).wall.getTime() - start.wall.getTime();
  return start.allDay ? 86400 * 1000 : 0;
}

const window = readArguments();
const all = vevents(window.text);
const overridden = new Map();
for (const vevent of all) {
  const rid = first(vevent, 'RECURRENCE-ID');
  if (!rid) continue;
  const uid = first(vevent, 'UID').value;
  const { wall, allDay } = wallClock(rid);
  if (!overridden.has(uid)) overridden.set(uid, new Set());
  overridden.get(uid).add(wallText(wall, allDay));
}
// The window in rrule.js's floating time: Tokyo wall clock written as UTC.
const after = new Date(Date.parse(`${window.firstDay}T00:00:00Z`) - 86400 * 1000);
const before = new Date(after.getTime() + (window.end - window.start) + 2 * 86400 * 1000);
for (const vevent of all) {
  try {
    const start = wallClock(first(vevent, 'DTSTART'));
    const length = lengthOf(vevent, start);
    if (!vevent.RRULE || first(vevent, 'RECURRENCE-ID')) {
      show(vevent, start.wall, start.allDay, length, window);
      continue;
    }
    const dtstart = first(vevent, 'DTSTART');
    const lines = [
      start.allDay ? `DTSTART:${dtstart.value}` : dtstart.line,
      ...vevent.RRULE.map((p) => p.line),
      ...(vevent.EXDATE || []).map((p) => p.line),
    ];
    const set = rrulestr(lines.join('\n'), { forceset: true });
    const skip = overridden.get(first(vevent, 'UID').value) || new Set();
    for (const instance of set.between(after, before, true)) {
      if (skip.has(wallText(instance, start.allDay))) continue;
      show(vevent, instance, start.allDay, length, window);
    }
  } catch (exception) {
    error(`${first(vevent, 'UID') ? first(vevent, 'UID').value : '?'}: ${exception.message}`);
  }
}
