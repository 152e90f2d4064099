"""Weather warnings for the elderly, from Open-Meteo's free forecast (no key).

`fetch_forecast` asks for the branch's coordinates and retries with backoff; it raises
`WeatherUnavailable` if the service is down, slow, or answers something that is not a
forecast. `warnings_for` turns a forecast into plain warnings for today and tomorrow by
the thresholds in `[weather]`; it is pure, so every rule is tested at and just below its
threshold without any network.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import httpx

from bot.config import WeatherConfig
from storage.models import WeatherKind

log = logging.getLogger(__name__)

DAILY = ("temperature_2m_max", "temperature_2m_min", "precipitation_sum", "snowfall_sum",
         "wind_gusts_10m_max", "weather_code")
SNOW_CODES = {71, 73, 75, 77, 85, 86}
SLEET_CODES = {56, 57, 66, 67}
FOG_CODES = {45, 48}
RETRY_DELAYS = (1.0, 4.0, 15.0)


class WeatherUnavailable(Exception):
    """No usable forecast today."""


@dataclass(frozen=True)
class DayForecast:
    day: date
    t_max: float
    t_min: float
    rain_mm: float
    snow_cm: float
    gust_kmh: float
    code: int


class WeatherText(StrEnum):
    """Which warning text to show; the words are `texts.WEATHER_TEXTS`."""

    HEAT = "WEATHER_HEAT"
    HEAT_STRONG = "WEATHER_HEAT_STRONG"
    HEAT_SEVERE = "WEATHER_HEAT_SEVERE"
    COLD = "WEATHER_COLD"
    FREEZE = "WEATHER_FREEZE"
    WIND = "WEATHER_WIND"
    RAIN = "WEATHER_RAIN"
    SLEET = "WEATHER_SLEET"
    SNOW = "WEATHER_SNOW"
    FOG = "WEATHER_FOG"


@dataclass(frozen=True)
class Warning:
    kind: WeatherKind
    when: str      # today | tomorrow
    text_key: WeatherText  # the catalog text to use
    value: float
    severe: bool


async def fetch_forecast(
    client: httpx.AsyncClient, config: WeatherConfig, latitude: float, longitude: float,
    timezone: str, *, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> list[DayForecast]:
    """Yesterday, today and the next days; retried with backoff, then WeatherUnavailable."""
    params: dict[str, str | float | int] = {
        "latitude": latitude, "longitude": longitude, "timezone": timezone,
        "daily": ",".join(DAILY), "past_days": 1, "forecast_days": 3,
    }
    last: Exception | None = None
    for attempt, delay in enumerate((0.0, *RETRY_DELAYS)):
        if delay:
            await sleep(delay)
        try:
            response = await client.get(config.base_url, params=params,
                                        timeout=config.timeout_seconds)
            response.raise_for_status()
            return parse_forecast(response.json())
        except (httpx.HTTPError, ValueError, KeyError, TypeError, IndexError) as exc:
            last = exc
            log.warning("weather forecast attempt %d failed: %s", attempt + 1, exc)
    raise WeatherUnavailable(str(last))


def parse_forecast(data: object) -> list[DayForecast]:
    """Open-Meteo's `daily` block as days; ValueError for anything else."""
    if not isinstance(data, dict) or not isinstance(data.get("daily"), dict):
        raise ValueError("no daily forecast in the answer")
    daily = data["daily"]
    days = daily["time"]
    if not isinstance(days, list) or not days:
        raise ValueError("empty forecast")
    out = []
    for i, day in enumerate(days):
        values = [daily[k][i] for k in DAILY]
        if any(v is None or isinstance(v, bool) or not isinstance(v, int | float)
               for v in values):
            raise ValueError(f"missing values for {day}")
        t_max, t_min, rain, snow, gust, code = values
        out.append(DayForecast(date.fromisoformat(day), float(t_max), float(t_min),
                               float(rain), float(snow), float(gust), int(code)))
    return out


def warnings_for(days: list[DayForecast], today: date, config: WeatherConfig) -> list[Warning]:
    """Warnings for today and tomorrow, each kind once (the nearer day wins)."""
    by_day = {d.day: d for d in days}
    found: dict[WeatherKind, Warning] = {}
    for when, offset in (("today", 0), ("tomorrow", 1)):
        day = by_day.get(today + timedelta(days=offset))
        if day is None:
            continue
        for w in _day_warnings(day, by_day, when, config):
            found.setdefault(w.kind, w)
    return list(found.values())


# The upper bounds (m/s) of wind forces 0–11 (GB/T 28591 风力等级, the Beaufort scale):
# what a weather report on television says, "阵风8级", not kilometres per hour.
_FORCE_BOUNDS_MS = (0.2, 1.5, 3.3, 5.4, 7.9, 10.7, 13.8, 17.1, 20.7, 24.4, 28.4, 32.6,
                    36.9, 41.4, 46.1, 50.9, 56.0, 61.2)


def wind_force(kmh: float) -> int:
    """A wind speed in km/h (Open-Meteo's unit) as its force 级, 0–18."""
    ms = kmh / 3.6
    return next((force for force, bound in enumerate(_FORCE_BOUNDS_MS) if ms <= bound),
                len(_FORCE_BOUNDS_MS))


def _day_warnings(d: DayForecast, by_day: dict[date, DayForecast], when: str,
                  c: WeatherConfig) -> list[Warning]:
    out = []
    if d.t_max >= c.heat_c:
        key = (WeatherText.HEAT_SEVERE if d.t_max >= c.heat_severe_c else
               WeatherText.HEAT_STRONG if d.t_max >= c.heat_strong_c else WeatherText.HEAT)
        out.append(Warning(WeatherKind.HEAT, when, key, d.t_max, d.t_max >= c.heat_severe_c))
    earlier = [by_day[d.day - timedelta(days=n)].t_min for n in (1, 2)
               if d.day - timedelta(days=n) in by_day]
    if earlier and d.t_min <= c.cold_to_c:
        drop = max(earlier) - d.t_min
        if drop >= c.cold_drop_c:
            out.append(Warning(WeatherKind.COLD_WAVE, when, WeatherText.COLD, d.t_min,
                               drop >= c.severe_cold_drop_c))
    if d.t_min <= c.freeze_c:
        out.append(Warning(WeatherKind.FREEZE, when, WeatherText.FREEZE, d.t_min, False))
    if d.gust_kmh >= c.gust_kmh:
        out.append(Warning(WeatherKind.WIND, when, WeatherText.WIND, wind_force(d.gust_kmh),
                           False))
    if d.rain_mm >= c.rain_mm:
        out.append(Warning(WeatherKind.RAIN, when, WeatherText.RAIN, d.rain_mm, False))
    if d.code in SLEET_CODES:
        out.append(Warning(WeatherKind.SLEET, when, WeatherText.SLEET, 0, False))
    elif d.snow_cm > 0 or d.code in SNOW_CODES:
        out.append(Warning(WeatherKind.SNOW, when, WeatherText.SNOW, d.snow_cm, False))
    if d.code in FOG_CODES:
        out.append(Warning(WeatherKind.FOG, when, WeatherText.FOG, 0, False))
    return out
