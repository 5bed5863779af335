import { describe, expect, it } from "vitest";
import { PRESETS } from "../test/calendars.ts";
import { Calendar, calendarOf, parseIsoFields } from "./calendar.ts";

describe("Calendar", () => {
  for (const [name, { calendar, samples }] of Object.entries(PRESETS)) {
    describe(name, () => {
      const cal = new Calendar(calendar);
      it.each(samples)("formats %d seconds as the server does (%s)", (seconds, expected) => {
        expect(cal.formatIso(seconds)).toBe(expected);
      });
      it.each(samples)("parses the server's form back to %d seconds", (seconds, text) => {
        expect(cal.parseIso(text)).toBe(seconds);
      });
    });
  }

  it("applies leap rules (Gregorian February)", () => {
    const cal = new Calendar(PRESETS.gregorian!.calendar);
    expect(cal.daysInMonth(2024, 2)).toBe(29);
    expect(cal.daysInMonth(1900, 2)).toBe(28);
    expect(cal.daysInMonth(2000, 2)).toBe(29);
  });

  it("rejects dates that do not exist in the calendar", () => {
    const cal = new Calendar(PRESETS.kindled!.calendar);
    expect(() => cal.parseIso("1200-14-01")).toThrow(/month 14/);
    expect(() => cal.parseIso("1200-01-29")).toThrow(/day 29/);
    expect(() => cal.parseIso("1200-01-01 24:00")).toThrow(/hour 24/);
    expect(() => cal.parseIso("yesterday")).toThrow(/YYYY-MM-DD/);
  });

  it("writes the long form with month names", () => {
    const cal = new Calendar(PRESETS.kindled!.calendar);
    expect(cal.formatLong(cal.parseIso("1207-08-04 13:05"), true)).toBe("4 Emberfall 1207, 13:05");
  });
});

describe("parseIsoFields", () => {
  it("accepts dates with and without a time", () => {
    expect(parseIsoFields("1200-02-03")).toEqual({ year: 1200, month: 2, day: 3, hour: 0, minute: 0, second: 0 });
    expect(parseIsoFields("-0044-03-15 12:30:05")).toMatchObject({ year: -44, hour: 12, minute: 30, second: 5 });
    expect(parseIsoFields("3 March")).toBeNull();
  });
});

describe("calendarOf", () => {
  it("returns null for something that is not a calendar", () => {
    expect(calendarOf("gregorian")).toBeNull();
    expect(calendarOf(null)).toBeNull();
    expect(calendarOf({ months: [] })).toBeNull();
  });
  it("caches one Calendar per object", () => {
    const spec = PRESETS.tidewheel!.calendar;
    expect(calendarOf(spec)).toBe(calendarOf(spec));
  });
});
