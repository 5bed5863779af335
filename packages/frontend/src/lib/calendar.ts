/**
 * World calendars on the client: the same maths as `campaign_shared.calendar` (the server), so the UI
 * can turn a branch's world time into calendar fields and back (scrubber labels, the "advance to" form,
 * the timeline axis) without a round trip. World time is whole seconds since the first second of the
 * calendar's epoch year; JavaScript numbers are exact up to 2^53 s, far beyond any campaign.
 *
 * The server stays the authority: it formats every `WorldTime` it returns and parses what we send.
 */

export interface CalendarMonth {
  readonly name: string;
  readonly days: number;
  readonly short_name?: string | null;
}

export interface LeapRule {
  readonly every: number;
  readonly month: number;
  readonly days?: number;
  readonly offset?: number;
}

export interface CalendarEra {
  readonly name: string;
  readonly abbreviation: string;
  readonly start_year?: number | null;
  readonly counts_backward?: boolean;
}

/** A world calendar as the API returns it in `World.calendar`. */
export interface CalendarSpec {
  readonly name: string;
  readonly seconds_per_minute?: number;
  readonly minutes_per_hour?: number;
  readonly hours_per_day?: number;
  readonly months: readonly CalendarMonth[];
  readonly weekdays: readonly string[];
  readonly leap_rules?: readonly LeapRule[];
  readonly epoch_year?: number;
  readonly epoch_weekday?: number;
  readonly eras?: readonly CalendarEra[];
}

export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** Calendar presets the API knows by name (`createWorld(input: {calendar: "kindled"})`). */
export const CALENDAR_PRESETS = [
  { value: "gregorian", label: "Gregorian" },
  { value: "kindled", label: "Kindled Reckoning (fantasy, 13 months)" },
  { value: "tidewheel", label: "Tidewheel Count (fantasy, 20-hour days)" },
] as const;

interface Term {
  readonly every: number;
  readonly offset: number;
  readonly month0: number;
  readonly days: number;
}

const floorDiv = (a: number, b: number): number => Math.floor(a / b);
const mod = (a: number, b: number): number => ((a % b) + b) % b;

/** Count of years y < `year` with y ≡ offset (mod every), up to a constant (only differences matter). */
const countBefore = (year: number, term: Term): number => -floorDiv(term.offset - year, term.every);

export class Calendar {
  readonly spec: CalendarSpec;
  readonly spm: number;
  readonly sph: number;
  readonly spd: number;
  readonly epochYear: number;
  private readonly terms: readonly Term[];
  private readonly baseCumulative: readonly number[];
  private readonly baseYearDays: number;
  private readonly epochCounts: readonly number[];
  private readonly meanYearDays: number;
  private readonly slack: number;

  constructor(spec: CalendarSpec) {
    if (!spec.months.length) throw new Error("a calendar needs at least one month");
    this.spec = spec;
    this.spm = spec.seconds_per_minute ?? 60;
    this.sph = this.spm * (spec.minutes_per_hour ?? 60);
    this.spd = this.sph * (spec.hours_per_day ?? 24);
    this.epochYear = spec.epoch_year ?? 1;
    this.terms = (spec.leap_rules ?? []).map((r) => ({
      every: r.every,
      offset: r.offset ?? 0,
      month0: r.month - 1,
      days: r.days ?? 1,
    }));
    const cumulative = [0];
    for (const month of spec.months) cumulative.push(cumulative[cumulative.length - 1]! + month.days);
    this.baseCumulative = cumulative;
    this.baseYearDays = cumulative[cumulative.length - 1]!;
    this.epochCounts = this.terms.map((t) => countBefore(this.epochYear, t));
    this.meanYearDays = this.baseYearDays + this.terms.reduce((sum, t) => sum + t.days / t.every, 0);
    this.slack = Math.floor(this.terms.reduce((s, t) => s + Math.abs(t.days), 0) / spec.months.length) + 2;
  }

  get monthCount(): number {
    return this.spec.months.length;
  }

  /** Day-of-year at which each month starts (length months + 1; the last item is the year's length). */
  cumulative(year: number): readonly number[] {
    if (!this.terms.length) return this.baseCumulative;
    const extra = new Array<number>(this.monthCount).fill(0);
    let any = false;
    for (const term of this.terms) {
      if (mod(year - term.offset, term.every) === 0) {
        extra[term.month0]! += term.days;
        any = true;
      }
    }
    if (!any) return this.baseCumulative;
    const out = [0];
    for (let m = 0; m < this.monthCount; m += 1) {
      out.push(out[m]! + this.baseCumulative[m + 1]! - this.baseCumulative[m]! + extra[m]!);
    }
    return out;
  }

  daysInMonth(year: number, month: number): number {
    const c = this.cumulative(year);
    return c[month]! - c[month - 1]!;
  }

  /** Days from the first day of the epoch year to the first day of `year` (negative before). */
  daysBeforeYear(year: number): number {
    let total = this.baseYearDays * (year - this.epochYear);
    this.terms.forEach((term, i) => {
      total += term.days * (countBefore(year, term) - this.epochCounts[i]!);
    });
    return total;
  }

  private yearOfDay(dayNumber: number): [number, number] {
    const guess = this.epochYear + Math.floor(dayNumber / this.meanYearDays);
    let low = guess - this.slack;
    let high = guess + this.slack;
    while (this.daysBeforeYear(low) > dayNumber) low -= this.slack;
    while (this.daysBeforeYear(high) <= dayNumber) high += this.slack;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (this.daysBeforeYear(middle) <= dayNumber) low = middle;
      else high = middle;
    }
    return [low, dayNumber - this.daysBeforeYear(low)];
  }

  /** Break world time (seconds) down into calendar fields. */
  toDate(seconds: number): CalendarDate {
    const whole = Math.floor(seconds);
    const dayNumber = floorDiv(whole, this.spd);
    const secondOfDay = whole - dayNumber * this.spd;
    const [year, dayOfYear] = this.yearOfDay(dayNumber);
    const c = this.cumulative(year);
    let month0 = 0;
    while (month0 + 1 < c.length - 1 && c[month0 + 1]! <= dayOfYear) month0 += 1;
    const hour = floorDiv(secondOfDay, this.sph);
    const rest = secondOfDay - hour * this.sph;
    const minute = floorDiv(rest, this.spm);
    return { year, month: month0 + 1, day: dayOfYear - c[month0]! + 1, hour, minute, second: rest - minute * this.spm };
  }

  /** World time of calendar fields; throws a RangeError naming the field that does not exist. */
  toSeconds(date: CalendarDate): number {
    const { year, month, day, hour, minute, second } = date;
    for (const [name, value] of Object.entries(date)) {
      if (!Number.isInteger(value)) throw new RangeError(`${name} must be a whole number`);
    }
    if (month < 1 || month > this.monthCount) {
      throw new RangeError(`month ${month} does not exist; ${this.spec.name} has months 1..${this.monthCount}`);
    }
    const days = this.daysInMonth(year, month);
    if (day < 1 || day > days) {
      throw new RangeError(`day ${day} does not exist: ${this.spec.months[month - 1]!.name} ${year} has ${days} days`);
    }
    const limits: [string, number, number][] = [
      ["hour", hour, this.spd / this.sph],
      ["minute", minute, this.sph / this.spm],
      ["second", second, this.spm],
    ];
    for (const [name, value, limit] of limits) {
      if (value < 0 || value >= limit) throw new RangeError(`${name} ${value} is not in 0..${limit - 1}`);
    }
    const dayNumber = this.daysBeforeYear(year) + this.cumulative(year)[month - 1]! + day - 1;
    return dayNumber * this.spd + hour * this.sph + minute * this.spm + second;
  }

  /** `YYYY-MM-DD HH:MM:SS`, exactly as the `WorldTime` scalar prints it. */
  formatIso(seconds: number): string {
    return formatDateIso(this.toDate(seconds));
  }

  /** Parse the `WorldTime` form `YYYY-MM-DD[ HH:MM[:SS]]` (the server also accepts long forms). */
  parseIso(text: string): number {
    const date = parseIsoFields(text);
    if (!date) throw new RangeError(`"${text}" is not YYYY-MM-DD[ HH:MM[:SS]]`);
    return this.toSeconds(date);
  }

  /** "4 Emberfall 1207", with the time when asked ("4 Emberfall 1207, 13:05"). */
  formatLong(seconds: number, withTime = false): string {
    const d = this.toDate(seconds);
    const text = `${d.day} ${this.spec.months[d.month - 1]!.name} ${d.year}`;
    return withTime ? `${text}, ${pad(d.hour)}:${pad(d.minute)}` : text;
  }
}

const pad = (n: number): string => String(n).padStart(2, "0");

export function formatYear(year: number): string {
  return year < 0 ? `-${String(-year).padStart(4, "0")}` : String(year).padStart(4, "0");
}

export function formatDateIso(d: CalendarDate): string {
  return `${formatYear(d.year)}-${pad(d.month)}-${pad(d.day)} ${pad(d.hour)}:${pad(d.minute)}:${pad(d.second)}`;
}

const ISO = /^\s*(-?\d{1,12})-(\d{1,4})-(\d{1,5})(?:[ T](\d{1,4}):(\d{1,4})(?::(\d{1,4}))?)?\s*$/;

/** Fields of `YYYY-MM-DD[ HH:MM[:SS]]` (no range checks), or null when the text has another shape. */
export function parseIsoFields(text: string): CalendarDate | null {
  const m = ISO.exec(text);
  if (!m) return null;
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
  };
}

const cache = new WeakMap<object, Calendar>();

/** A `Calendar` for `World.calendar` JSON (cached per object), or null when it is not a calendar. */
export function calendarOf(spec: unknown): Calendar | null {
  if (typeof spec !== "object" || spec === null || !Array.isArray((spec as CalendarSpec).months)) return null;
  let calendar = cache.get(spec);
  if (!calendar) {
    try {
      calendar = new Calendar(spec as CalendarSpec);
    } catch {
      return null;
    }
    cache.set(spec, calendar);
  }
  return calendar;
}
