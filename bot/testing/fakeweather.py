"""A fake Open-Meteo forecast API on 127.0.0.1, for the tests and the offline demo.

It answers `/v1/forecast` with whatever the test set in `forecast` (recorded Open-Meteo
JSON, or a body built by `daily_forecast`), or with a fault: a status code, a delay, or
a body that is not JSON. Every request's query is kept in `requests`.
"""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import date, timedelta
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web


def daily_forecast(first: date, days: list[dict[str, float]]) -> dict[str, Any]:
    """An Open-Meteo answer for consecutive days from `first`; each day gives t_max, t_min
    and optionally rain, snow, gust, code."""
    keys = {"temperature_2m_max": "t_max", "temperature_2m_min": "t_min",
            "precipitation_sum": "rain", "snowfall_sum": "snow",
            "wind_gusts_10m_max": "gust", "weather_code": "code"}
    daily: dict[str, list[Any]] = {"time": [(first + timedelta(days=i)).isoformat()
                                            for i in range(len(days))]}
    for api_key, short in keys.items():
        daily[api_key] = [d.get(short, 0) for d in days]
    return {"latitude": 30.6, "longitude": 114.3, "timezone": "Asia/Shanghai",
            "daily_units": {"temperature_2m_max": "°C", "wind_gusts_10m_max": "km/h"},
            "daily": daily}


class FakeOpenMeteo:
    def __init__(self) -> None:
        self.forecast: Any = None
        self.status = 200
        self.delay = 0.0
        self.garbage = False
        self.requests: list[dict[str, str]] = []
        self.port = 0
        self._server: tornado.httpserver.HTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/forecast"

    async def start(self) -> None:
        app = tornado.web.Application([(r"/v1/forecast", _Forecast, {"fake": self})])
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
        self.port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

    async def __aenter__(self) -> FakeOpenMeteo:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


class _Forecast(tornado.web.RequestHandler):
    fake: FakeOpenMeteo

    def initialize(self, fake: FakeOpenMeteo) -> None:
        self.fake = fake

    async def get(self) -> None:
        fake = self.fake
        fake.requests.append({k: v[-1].decode() for k, v in self.request.query_arguments.items()})
        if fake.delay:
            await asyncio.sleep(fake.delay)
        self.set_status(fake.status)
        if fake.garbage:
            self.finish("<html>502 Bad Gateway</html>")
        elif fake.status >= 400:
            self.finish(json.dumps({"error": True, "reason": "fake failure"}))
        else:
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(fake.forecast))
