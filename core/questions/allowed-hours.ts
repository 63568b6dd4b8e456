/**
 * Whether `now` falls within the owner's hours for unprompted questions ([from, to) on the
 * business's wall clock): nobody is asked about their birthday or last visit at night.
 */
export function withinAllowedHours(
  hours: { from: number; to: number },
  now: Date,
  timeZone: string,
): boolean {
  const hour = localHour(now, timeZone);
  return hour >= hours.from && hour < hours.to;
}

const hourFormats = new Map<string, Intl.DateTimeFormat>();

function localHour(instant: Date, timeZone: string): number {
  let format = hourFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", hourCycle: "h23" });
    hourFormats.set(timeZone, format);
  }
  return Number(format.format(instant));
}
