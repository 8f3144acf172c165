// ical.js as Thunderbird uses it: VEVENTs grouped by UID, the master's exceptions attached
// with Event.relateException, the series walked with Event.iterator() (which applies
// EXDATE and RDATE) and each instance read through getOccurrenceDetails (which swaps in
// the RECURRENCE-ID override).
//   node icaljs_expand.mjs FILE.ics 2026-12-01 400
import ICAL from 'ical.js';

import { dateText, emit, error, inWindow, readArguments, tokyoText } from './common.mjs';

function timeText(time) {
  if (time.isDate) return dateText(time.year, time.month, time.day);
  return tokyoText(time.toUnixTime() * 1000);
}

function show(item, startDate, endDate, window) {
  const shown = {
    start: timeText(startDate),
    end: timeText(endDate),
    all_day: startDate.isDate,
    summary: item.summary || '',
    status: item.component.getFirstPropertyValue('status') || null,
    uid: item.uid,
  };
  if (inWindow(shown, window.start, window.end)) emit(shown);
}

const window = readArguments();
let calendar;
try {
  calendar = new ICAL.Component(ICAL.parse(window.text));
} catch (exception) {
  error(`ical.js could not parse the file: ${exception}`);
  process.exit(0);
}
for (const zone of calendar.getAllSubcomponents('vtimezone')) {
  ICAL.TimezoneService.register(zone);
}
const masters = new Map();
const exceptions = [];
for (const vevent of calendar.getAllSubcomponents('vevent')) {
  const event = new ICAL.Event(vevent);
  if (event.isRecurrenceException()) exceptions.push(event);
  else masters.set(event.uid, event);
}
for (const exception of exceptions) {
  const master = masters.get(exception.uid);
  if (master) master.relateException(exception);
  else show(exception, exception.startDate, exception.endDate, window); // an orphan
}
const last = ICAL.Time.fromJSDate(window.end, true);
for (const event of masters.values()) {
  if (!event.isRecurring()) {
    show(event, event.startDate, event.endDate, window);
    continue;
  }
  const iterator = event.iterator();
  for (let next = iterator.next(), n = 0; next && n < 100000; next = iterator.next(), n++) {
    const details = event.getOccurrenceDetails(next);
    if (next.compare(last) >= 0 && details.startDate.compare(last) >= 0) break;
    show(details.item, details.startDate, details.endDate, window);
  }
}
