/**
 * A customer's own time zone (Customer.timeZone): "at 10:00" and "within the allowed hours" on
 * their clock, not the shop's. Set from the city they answer when it is one we know, or by the
 * owner (PATCH /api/customers/:id); null = the business's TIME_ZONE.
 */

/** Whether `zone` is an IANA zone the runtime knows ("Asia/Yekaterinburg"). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Russian cities (Russian and English spellings) and the zone each keeps. */
const CITY_ZONES: ReadonlyArray<[zone: string, cities: readonly string[]]> = [
  ["Europe/Kaliningrad", ["калининград", "kaliningrad"]],
  [
    "Europe/Moscow",
    [
      "москва",
      "moscow",
      "санкт-петербург",
      "петербург",
      "спб",
      "saint petersburg",
      "st. petersburg",
      "st petersburg",
      "sankt-peterburg",
      "казань",
      "kazan",
      "нижний новгород",
      "nizhny novgorod",
      "краснодар",
      "krasnodar",
      "ростов-на-дону",
      "rostov-on-don",
      "воронеж",
      "voronezh",
      "сочи",
      "sochi",
      "ярославль",
      "yaroslavl",
      "тула",
      "tula",
    ],
  ],
  ["Europe/Volgograd", ["волгоград", "volgograd"]],
  ["Europe/Samara", ["самара", "samara", "ижевск", "izhevsk"]],
  ["Europe/Saratov", ["саратов", "saratov"]],
  ["Europe/Ulyanovsk", ["ульяновск", "ulyanovsk"]],
  [
    "Asia/Yekaterinburg",
    [
      "екатеринбург",
      "yekaterinburg",
      "ekaterinburg",
      "уфа",
      "ufa",
      "пермь",
      "perm",
      "челябинск",
      "chelyabinsk",
      "тюмень",
      "tyumen",
      "оренбург",
      "orenburg",
    ],
  ],
  ["Asia/Omsk", ["омск", "omsk"]],
  ["Asia/Novosibirsk", ["новосибирск", "novosibirsk"]],
  ["Asia/Barnaul", ["барнаул", "barnaul"]],
  ["Asia/Tomsk", ["томск", "tomsk"]],
  ["Asia/Novokuznetsk", ["новокузнецк", "novokuznetsk", "кемерово", "kemerovo"]],
  ["Asia/Krasnoyarsk", ["красноярск", "krasnoyarsk"]],
  ["Asia/Irkutsk", ["иркутск", "irkutsk"]],
  ["Asia/Chita", ["чита", "chita"]],
  ["Asia/Yakutsk", ["якутск", "yakutsk"]],
  ["Asia/Vladivostok", ["владивосток", "vladivostok", "хабаровск", "khabarovsk"]],
  ["Asia/Sakhalin", ["южно-сахалинск", "yuzhno-sakhalinsk"]],
  ["Asia/Magadan", ["магадан", "magadan"]],
  ["Asia/Kamchatka", ["петропавловск-камчатский", "petropavlovsk-kamchatsky"]],
];

/** How a typed city is compared: case, "г.", ё, dashes, dots and spaces do not matter. */
function normalise(city: string): string {
  return city
    .toLowerCase()
    .trim()
    .replace(/ё/g, "е")
    .replace(/^(г\.|г |город )/, "")
    .replace(/[\s.\-‐‑–—]+/g, "");
}

const byCity = new Map<string, string>(
  CITY_ZONES.flatMap(([zone, cities]) =>
    cities.map((city) => [normalise(city), zone] as [string, string]),
  ),
);

/** The zone of a city we know, else null (the business's zone applies). */
export function timeZoneOfCity(city: string): string | null {
  return byCity.get(normalise(city)) ?? null;
}
