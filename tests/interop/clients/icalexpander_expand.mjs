// ical-expander (used by web and Electron calendar widgets): IcalExpander.between() over
// the window, with its default iteration limit; its `events` (single events and the
// overrides it picked) and `occurrences` (expanded instances) are both shown.
//   node icalexpander_expand.mjs FILE.ics 2026-12-01 400
import IcalExpander from 'ical-expander';

import { dateText, emit, error, inWindow, readArguments, tokyoText } from './common.mjs';

function timeText(time) {
  if (time.isDate) return dateText(time.year, time.month, time.day);
  return tokyoText(time.toJSDate());
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
let result;
try {
  result = new IcalExpander({ ics: window.text }).between(window.start, window.end);
} catch (exception) {
  error(`ical-expander failed: ${exception}`);
  process.exit(0);
}
for (const event of result.events) show(event, event.startDate, event.endDate, window);
for (const occurrence of result.occurrences) {
  show(occurrence.item, occurrence.startDate, occurrence.endDate, window);
}
