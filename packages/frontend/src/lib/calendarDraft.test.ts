import { describe, expect, it } from "vitest";
import { Calendar } from "./calendar.ts";
import { buildCalendar, type CalendarDraft, describeDraft, EMPTY_DRAFT } from "./calendarDraft.ts";

const tidy: CalendarDraft = {
  ...EMPTY_DRAFT,
  name: "Reed Count",
  months: [
    { name: "Reedrise", days: "30" },
    { name: "Low Water", days: "31" },
    { name: "Saltfall", days: "29" },
  ],
  weekdays: " Oarday, Netday,Tarday ",
  epochYear: "800",
  epochWeekday: 2,
  hoursPerDay: "20",
};

describe("buildCalendar", () => {
  it("turns a valid draft into the API's calendar JSON, which the client calendar can use", () => {
    const built = buildCalendar({ ...tidy, eraName: "Of the Reeds", eraAbbreviation: "OR", eraStartYear: "800" });
    expect(built).toEqual({
      calendar: {
        name: "Reed Count",
        seconds_per_minute: 60,
        minutes_per_hour: 60,
        hours_per_day: 20,
        months: [
          { name: "Reedrise", days: 30 },
          { name: "Low Water", days: 31 },
          { name: "Saltfall", days: 29 },
        ],
        weekdays: ["Oarday", "Netday", "Tarday"],
        epoch_year: 800,
        epoch_weekday: 2,
        eras: [{ name: "Of the Reeds", abbreviation: "OR", start_year: 800 }],
      },
    });
    if (!("calendar" in built)) throw new Error("expected a calendar");
    const calendar = new Calendar(built.calendar);
    expect(calendar.formatIso(calendar.spd * 31)).toBe("0800-02-02 00:00:00");
  });

  it("leaves the era out when none is named", () => {
    const built = buildCalendar(tidy);
    expect("calendar" in built && built.calendar.eras).toBeUndefined();
  });

  it("marks each problem on its field, as the API would refuse it", () => {
    const built = buildCalendar({
      ...EMPTY_DRAFT,
      months: [
        { name: "Thaw", days: "30" },
        { name: " thaw ", days: "0" },
        { name: "Month 3", days: "x" },
      ],
      weekdays: "Oarday, oarday",
      hoursPerDay: "0",
      epochYear: "1.5",
      eraAbbreviation: "2E",
    });
    expect(built).toEqual({
      errors: {
        name: "Give the calendar a name.",
        "months.1.name": '"thaw" is already month 1.',
        "months.1.days": "Days: a whole number from 1 to 10000.",
        "months.2.name": "The month 3 name must not contain digits, commas or colons.",
        "months.2.days": "Days: a whole number from 1 to 10000.",
        weekdays: '"oarday" is named twice.',
        hoursPerDay: "Hours per day: a whole number from 1 to 1000.",
        epochYear: "The first year must be a whole number.",
        eraName: "Give the era a name.",
        eraAbbreviation: "One word of at most 16 characters, not starting with a digit or sign, without commas or colons.",
      },
    });
  });

  it("needs weekdays and a first weekday among them", () => {
    expect(buildCalendar({ ...tidy, weekdays: " , " })).toEqual({ errors: { weekdays: "Name at least one weekday." } });
    expect(buildCalendar({ ...tidy, epochWeekday: 3 })).toEqual({ errors: { epochWeekday: "Choose one of the weekdays." } });
  });
});

describe("describeDraft", () => {
  it("sums up the year", () => {
    expect(describeDraft(tidy)).toBe("3 months, 90 days a year, 3-day weeks");
    expect(describeDraft(EMPTY_DRAFT)).toBe("1 month, 30 days a year");
  });
});
