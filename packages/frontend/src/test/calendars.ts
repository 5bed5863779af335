/** The API's calendar presets and world times formatted by the server (campaign_shared.calendar). */
import type { CalendarSpec } from "../lib/calendar.ts";

export const PRESETS: Record<string, { calendar: CalendarSpec; samples: [number, string][] }> = {
  "gregorian": {
    "calendar": {
      "name": "Gregorian",
      "seconds_per_minute": 60,
      "minutes_per_hour": 60,
      "hours_per_day": 24,
      "months": [
        {
          "name": "January",
          "days": 31,
          "short_name": "Jan"
        },
        {
          "name": "February",
          "days": 28,
          "short_name": "Feb"
        },
        {
          "name": "March",
          "days": 31,
          "short_name": "Mar"
        },
        {
          "name": "April",
          "days": 30,
          "short_name": "Apr"
        },
        {
          "name": "May",
          "days": 31,
          "short_name": "May"
        },
        {
          "name": "June",
          "days": 30,
          "short_name": "Jun"
        },
        {
          "name": "July",
          "days": 31,
          "short_name": "Jul"
        },
        {
          "name": "August",
          "days": 31,
          "short_name": "Aug"
        },
        {
          "name": "September",
          "days": 30,
          "short_name": "Sep"
        },
        {
          "name": "October",
          "days": 31,
          "short_name": "Oct"
        },
        {
          "name": "November",
          "days": 30,
          "short_name": "Nov"
        },
        {
          "name": "December",
          "days": 31,
          "short_name": "Dec"
        }
      ],
      "weekdays": [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday"
      ],
      "leap_rules": [
        {
          "every": 4,
          "month": 2,
          "days": 1,
          "offset": 0
        },
        {
          "every": 100,
          "month": 2,
          "days": -1,
          "offset": 0
        },
        {
          "every": 400,
          "month": 2,
          "days": 1,
          "offset": 0
        }
      ],
      "epoch_year": 1,
      "epoch_weekday": 0,
      "eras": [
        {
          "name": "Before Common Era",
          "abbreviation": "BCE",
          "start_year": null,
          "counts_backward": true
        },
        {
          "name": "Common Era",
          "abbreviation": "CE",
          "start_year": 1,
          "counts_backward": false
        }
      ]
    },
    "samples": [
      [
        0,
        "0001-01-01 00:00:00"
      ],
      [
        1,
        "0001-01-01 00:00:01"
      ],
      [
        86399,
        "0001-01-01 23:59:59"
      ],
      [
        86400,
        "0001-01-02 00:00:00"
      ],
      [
        2682123,
        "0001-02-01 01:02:03"
      ],
      [
        131328000,
        "0005-03-01 00:00:00"
      ],
      [
        10000012345,
        "0317-11-21 21:12:25"
      ],
      [
        -1,
        "0000-12-31 23:59:59"
      ],
      [
        -34560000,
        "-0001-11-28 00:00:00"
      ],
      [
        1234567890,
        "0040-02-14 23:31:30"
      ]
    ]
  },
  "kindled": {
    "calendar": {
      "name": "Kindled Reckoning",
      "seconds_per_minute": 60,
      "minutes_per_hour": 60,
      "hours_per_day": 24,
      "months": [
        {
          "name": "Frostwake",
          "days": 28,
          "short_name": "Fro"
        },
        {
          "name": "Thawmere",
          "days": 28,
          "short_name": "Tha"
        },
        {
          "name": "Seedsong",
          "days": 28,
          "short_name": "See"
        },
        {
          "name": "Rainreach",
          "days": 28,
          "short_name": "Rai"
        },
        {
          "name": "Bloomward",
          "days": 28,
          "short_name": "Blo"
        },
        {
          "name": "Highsun",
          "days": 28,
          "short_name": "Hig"
        },
        {
          "name": "Goldmantle",
          "days": 28,
          "short_name": "Gol"
        },
        {
          "name": "Emberfall",
          "days": 28,
          "short_name": "Emb"
        },
        {
          "name": "Harrowtide",
          "days": 28,
          "short_name": "Har"
        },
        {
          "name": "Mistveil",
          "days": 28,
          "short_name": "Mis"
        },
        {
          "name": "Duskhollow",
          "days": 28,
          "short_name": "Dus"
        },
        {
          "name": "Deepwinter",
          "days": 28,
          "short_name": "Dee"
        },
        {
          "name": "Starhush",
          "days": 28,
          "short_name": "Sta"
        }
      ],
      "weekdays": [
        "Ashday",
        "Brandday",
        "Cinderday",
        "Dawnday",
        "Emberday",
        "Flintday",
        "Gloamday"
      ],
      "leap_rules": [
        {
          "every": 5,
          "month": 13,
          "days": 7,
          "offset": 0
        },
        {
          "every": 40,
          "month": 13,
          "days": -7,
          "offset": 0
        }
      ],
      "epoch_year": 1200,
      "epoch_weekday": 3,
      "eras": [
        {
          "name": "Before the Kindling",
          "abbreviation": "BK",
          "start_year": null,
          "counts_backward": true
        },
        {
          "name": "Kindled Reckoning",
          "abbreviation": "KR",
          "start_year": 1,
          "counts_backward": false
        }
      ]
    },
    "samples": [
      [
        0,
        "1200-01-01 00:00:00"
      ],
      [
        1,
        "1200-01-01 00:00:01"
      ],
      [
        86399,
        "1200-01-01 23:59:59"
      ],
      [
        86400,
        "1200-01-02 00:00:00"
      ],
      [
        2682123,
        "1200-02-04 01:02:03"
      ],
      [
        131328000,
        "1204-03-09 00:00:00"
      ],
      [
        10000012345,
        "1516-12-17 21:12:25"
      ],
      [
        -1,
        "1199-13-28 23:59:59"
      ],
      [
        -34560000,
        "1198-12-21 00:00:00"
      ],
      [
        1234567890,
        "1239-02-16 23:31:30"
      ]
    ]
  },
  "tidewheel": {
    "calendar": {
      "name": "Tidewheel Count",
      "seconds_per_minute": 60,
      "minutes_per_hour": 50,
      "hours_per_day": 20,
      "months": [
        {
          "name": "Brinewake",
          "days": 36,
          "short_name": null
        },
        {
          "name": "Saltmere",
          "days": 36,
          "short_name": null
        },
        {
          "name": "Kelprise",
          "days": 36,
          "short_name": null
        },
        {
          "name": "Shoalgleam",
          "days": 36,
          "short_name": null
        },
        {
          "name": "Highwater",
          "days": 36,
          "short_name": null
        },
        {
          "name": "Driftlong",
          "days": 36,
          "short_name": null
        },
        {
          "name": "Coralwane",
          "days": 36,
          "short_name": null
        },
        {
          "name": "Foamreach",
          "days": 36,
          "short_name": null
        },
        {
          "name": "Gullhaven",
          "days": 36,
          "short_name": null
        },
        {
          "name": "Stillwater",
          "days": 36,
          "short_name": null
        }
      ],
      "weekdays": [
        "Shellday",
        "Kelpday",
        "Pearlday",
        "Reefday",
        "Gullday",
        "Stormday"
      ],
      "leap_rules": [
        {
          "every": 3,
          "month": 10,
          "days": 2,
          "offset": 0
        },
        {
          "every": 24,
          "month": 10,
          "days": -1,
          "offset": 0
        },
        {
          "every": 8,
          "month": 5,
          "days": 1,
          "offset": 5
        }
      ],
      "epoch_year": 1,
      "epoch_weekday": 0,
      "eras": [
        {
          "name": "First Tide",
          "abbreviation": "FT",
          "start_year": 1,
          "counts_backward": false
        },
        {
          "name": "Second Tide",
          "abbreviation": "ST",
          "start_year": 800,
          "counts_backward": false
        }
      ]
    },
    "samples": [
      [
        0,
        "0001-01-01 00:00:00"
      ],
      [
        1,
        "0001-01-01 00:00:01"
      ],
      [
        86399,
        "0001-01-02 08:39:59"
      ],
      [
        86400,
        "0001-01-02 08:40:00"
      ],
      [
        2682123,
        "0001-02-09 14:02:03"
      ],
      [
        131328000,
        "0007-01-24 16:00:00"
      ],
      [
        10000012345,
        "0462-10-38 17:22:25"
      ],
      [
        -1,
        "0000-10-37 19:49:59"
      ],
      [
        -34560000,
        "-0001-05-02 00:00:00"
      ],
      [
        1234567890,
        "0058-01-14 02:31:30"
      ]
    ]
  }
};
