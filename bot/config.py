"""Typed, frozen configuration read once from TOML.

`load_config(path)` parses the file, checks every key against the dataclasses below and
raises `ConfigError` listing *every* problem (unknown key, wrong type, bad value), each
naming its dotted key. Nothing else in the bot reads TOML or the environment for settings,
except the token, which may come from `BOT_TOKEN` so it need not be written to disk.

Why one file over 400 lines: the schema and its checks are read together, top to bottom,
by whoever sets a branch up; config.example.toml mirrors it section by section.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from datetime import time as dt_time  # for classes whose field is called `time`
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

OFFICIAL_BASE_URL = "https://api.telegram.org/bot"


class ConfigError(Exception):
    """The configuration is unusable; `problems` lists each reason, key first."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class WebhookConfig:
    listen: str = "0.0.0.0"  # noqa: S104 - a webhook must listen beyond loopback
    port: int = 8443
    url: str = ""
    path: str = "telegram"
    secret: str = ""


@dataclass(frozen=True)
class RateLimitConfig:
    overall_per_second: float = 30.0
    group_per_minute: float = 20.0
    max_retries: int = 3


@dataclass(frozen=True)
class TelegramConfig:
    token: str = ""
    base_url: str = OFFICIAL_BASE_URL
    mode: Literal["polling", "webhook"] = "polling"
    timeout_seconds: float = 10.0
    webhook: WebhookConfig = field(default_factory=WebhookConfig)
    rate_limit: RateLimitConfig = field(default_factory=RateLimitConfig)


@dataclass(frozen=True)
class BranchConfig:
    name: str = ""
    timezone: str = "Asia/Shanghai"
    city: str = ""
    latitude: float = 0.0
    longitude: float = 0.0
    hotline: str = ""  # the branch's emergency line, printed on every 亲情服务卡

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class ChatsConfig:
    group_chat_id: int = 0
    committee_chat_id: int = 0


@dataclass(frozen=True)
class AdminsConfig:
    secretary_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class StorageConfig:
    path: str = "./data/branch.db"


@dataclass(frozen=True)
class LinkingConfig:
    invite_days: int = 7


@dataclass(frozen=True)
class MeetingsConfig:
    open_minutes_before: int = 60
    default_duration_minutes: int = 120
    eve_reminder_time: str = "19:00"
    reminder_minutes_before: int = 60
    card_edit_seconds: float = 4.0

    @property
    def eve_reminder(self) -> time:
        hour, minute = self.eve_reminder_time.split(":")
        return time(int(hour), int(minute))


@dataclass(frozen=True)
class CareConfig:
    key_contact_days: int = 30
    contact_days: int = 90
    escalate_days: int = 3
    morning_time: str = "08:00"
    birthday_lookahead_days: int = 14
    holiday_lookahead_days: int = 7
    help_escalate_hours: int = 24

    @property
    def morning(self) -> time:
        hour, minute = self.morning_time.split(":")
        return time(int(hour), int(minute))


@dataclass(frozen=True)
class PostsConfig:
    followup_hours: int = 24
    study_reminder_time: str = "09:00"

    @property
    def study_reminder(self) -> time:
        hour, minute = self.study_reminder_time.split(":")
        return time(int(hour), int(minute))


@dataclass(frozen=True)
class HolidayGreeting:
    enabled: bool = True
    time: str = "08:00"
    texts: tuple[str, ...] = ()  # empty: the warm defaults in bot/texts.py


@dataclass(frozen=True)
class GreetingsConfig:
    birthday_time: str = "08:30"
    monthly_birthdays: bool = True
    party_anniversary: bool = True
    yuandan: HolidayGreeting = field(default_factory=HolidayGreeting)
    chunjie: HolidayGreeting = field(default_factory=HolidayGreeting)
    yuanxiao: HolidayGreeting = field(default_factory=HolidayGreeting)
    duanwu: HolidayGreeting = field(default_factory=HolidayGreeting)
    jiandang: HolidayGreeting = field(default_factory=HolidayGreeting)
    jianjun: HolidayGreeting = field(default_factory=HolidayGreeting)
    zhongqiu: HolidayGreeting = field(default_factory=HolidayGreeting)
    chongyang: HolidayGreeting = field(default_factory=HolidayGreeting)
    guoqing: HolidayGreeting = field(default_factory=HolidayGreeting)

    def holiday(self, key: str) -> HolidayGreeting:
        value = getattr(self, key)
        assert isinstance(value, HolidayGreeting)
        return value


@dataclass(frozen=True)
class WeatherConfig:
    enabled: bool = True
    time: str = "07:00"
    base_url: str = "https://api.open-meteo.com/v1/forecast"
    timeout_seconds: float = 10.0
    heat_c: float = 35.0
    heat_strong_c: float = 37.0
    heat_severe_c: float = 40.0
    cold_drop_c: float = 8.0
    cold_to_c: float = 4.0
    severe_cold_drop_c: float = 12.0
    freeze_c: float = -10.0
    gust_kmh: float = 39.0
    rain_mm: float = 50.0
    safe_followup_hours: int = 3


@dataclass(frozen=True)
class StudyDayConfig:
    enabled: bool = True
    nth: int = 1            # the nth ...
    weekday: int = 2        # ... weekday of the month (1 = Monday ... 7 = Sunday)
    time: str = "09:30"
    announce_time: str = "07:30"   # the morning announcement on the day
    place: str = "支部活动室"
    topic: str = "每月学习活动日"

    @property
    def starts(self) -> dt_time:
        hour, minute = (int(x) for x in self.time.split(":"))
        return dt_time(hour, minute)


@dataclass(frozen=True)
class DigestConfig:
    enabled: bool = True
    weekday: int = 1        # 1 = Monday
    time: str = "08:30"


@dataclass(frozen=True)
class BackupConfig:
    enabled: bool = True
    dir: str = "./data/backups"
    time: str = "03:00"
    keep: int = 14          # how many daily backups to keep


@dataclass(frozen=True)
class WebConfig:
    """The secretary's desk (bot/web): served by the bot's own process when enabled."""

    enabled: bool = False
    listen: str = "127.0.0.1"   # loopback: reach it from outside through a reverse proxy
    port: int = 8080
    public_url: str = ""        # the address people open, for /web's link; "" = http://listen:port

    @property
    def address(self) -> str:
        """Where people open the desk: the public address, else the listening one."""
        return (self.public_url or f"http://{self.listen}:{self.port}").rstrip("/")


@dataclass(frozen=True)
class SchedulerConfig:
    grace_hours: int = 6    # a push missed while down is still sent this long after its time


@dataclass(frozen=True)
class Config:
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    branch: BranchConfig = field(default_factory=BranchConfig)
    chats: ChatsConfig = field(default_factory=ChatsConfig)
    admins: AdminsConfig = field(default_factory=AdminsConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    linking: LinkingConfig = field(default_factory=LinkingConfig)
    meetings: MeetingsConfig = field(default_factory=MeetingsConfig)
    care: CareConfig = field(default_factory=CareConfig)
    posts: PostsConfig = field(default_factory=PostsConfig)
    greetings: GreetingsConfig = field(default_factory=GreetingsConfig)
    weather: WeatherConfig = field(default_factory=WeatherConfig)
    study_day: StudyDayConfig = field(default_factory=StudyDayConfig)
    digest: DigestConfig = field(default_factory=DigestConfig)
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    backup: BackupConfig = field(default_factory=BackupConfig)
    web: WebConfig = field(default_factory=WebConfig)

    def with_token_from_env(self, env: Mapping[str, str]) -> Config:
        token = env.get("BOT_TOKEN", "").strip()
        if not token:
            return self
        return dataclasses.replace(
            self, telegram=dataclasses.replace(self.telegram, token=token)
        )


def _say(problem: str, /, **values: Any) -> str:
    """A problem in the words of `texts.CONFIG_PROBLEMS` (read when a problem is found:
    the catalog imports the services, which import this module)."""
    from bot import texts

    return texts.CONFIG_PROBLEMS[problem].format(**values)


def _describe(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is Literal:
        return _say("one_of", options="、".join(f'"{a}"' for a in typing.get_args(tp)))
    if origin is tuple:
        return _say("list_of", item=_describe(typing.get_args(tp)[0]))
    if dataclasses.is_dataclass(tp):
        return _say("a_table")
    names = {str: "type_str", int: "type_int", float: "type_float", bool: "type_bool"}
    return _say(names[tp]) if tp in names else str(tp)


def _convert(tp: Any, value: Any, key: str, problems: list[str]) -> Any:
    """Check one value against its declared type; return it converted, or None."""
    origin = typing.get_origin(tp)
    wrong = _say("wrong_type", key=key, expected=_describe(tp), value=repr(value))
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, dict):
            problems.append(wrong)
            return None
        return _build(tp, value, key, problems)
    if origin is Literal:
        if value not in typing.get_args(tp):
            problems.append(wrong)
            return None
        return value
    if origin is tuple:
        if not isinstance(value, list):
            problems.append(wrong)
            return None
        item_tp = typing.get_args(tp)[0]
        items = [_convert(item_tp, v, f"{key}[{i}]", problems) for i, v in enumerate(value)]
        return tuple(items)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(wrong)
            return None
        return float(value)
    if tp is int and (isinstance(value, bool) or not isinstance(value, int)):
        problems.append(wrong)
        return None
    if not isinstance(value, tp):
        problems.append(wrong)
        return None
    return value


def _build(cls: type[Any], data: dict[str, Any], prefix: str, problems: list[str]) -> Any:
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    for key in data:
        if key not in names:
            dotted = f"{prefix}.{key}" if prefix else key
            problems.append(_say("unknown_key", key=dotted))
    kwargs: dict[str, Any] = {}
    for name in names:
        if name in data:
            dotted = f"{prefix}.{name}" if prefix else name
            converted = _convert(hints[name], data[name], dotted, problems)
            if converted is not None:
                kwargs[name] = converted
    return cls(**kwargs)


# What Telegram accepts as a webhook's secret_token.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _semantic_checks(cfg: Config, problems: list[str], *, need_token: bool) -> None:
    if not cfg.branch.name.strip():
        problems.append(_say("branch_name"))
    try:
        ZoneInfo(cfg.branch.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(_say("branch_timezone", value=repr(cfg.branch.timezone)))
    if not -90 <= cfg.branch.latitude <= 90:
        problems.append(_say("branch_latitude"))
    if not -180 <= cfg.branch.longitude <= 180:
        problems.append(_say("branch_longitude"))
    if cfg.chats.group_chat_id >= 0:
        problems.append(_say("chats_group_chat_id"))
    if cfg.chats.committee_chat_id > 0:
        problems.append(_say("chats_committee_chat_id"))
    if cfg.chats.committee_chat_id and cfg.chats.committee_chat_id == cfg.chats.group_chat_id:
        problems.append(_say("chats_committee_chat_id_2"))
    if not cfg.admins.secretary_ids:
        problems.append(_say("admins_secretary_ids"))
    if not cfg.telegram.base_url.startswith(("http://", "https://")):
        problems.append(_say("telegram_base_url"))
    if need_token and not cfg.telegram.token:
        problems.append(_say("telegram_token"))
    if cfg.telegram.mode == "webhook" and not cfg.telegram.webhook.url.startswith("https://"):
        problems.append(_say("telegram_webhook_url"))
    if cfg.telegram.mode == "webhook" and not _WEBHOOK_SECRET.fullmatch(
            cfg.telegram.webhook.secret):
        problems.append(_say("telegram_webhook_secret"))
    if not 1 <= cfg.telegram.webhook.port <= 65535:
        problems.append(_say("telegram_webhook_port"))
    if not 0 < cfg.telegram.timeout_seconds <= 300:
        problems.append(_say("telegram_timeout_seconds"))
    if not 1 <= cfg.web.port <= 65535:
        problems.append(_say("web_port"))
    if cfg.web.public_url and not cfg.web.public_url.startswith(("http://", "https://")):
        problems.append(_say("web_public_url"))
    rl = cfg.telegram.rate_limit
    if rl.overall_per_second <= 0 or rl.group_per_minute <= 0:
        problems.append(_say("telegram_rate_limit"))
    if rl.max_retries < 0:
        problems.append(_say("telegram_rate_limit_max_retries"))
    if cfg.linking.invite_days < 1:
        problems.append(_say("linking_invite_days"))
    m = cfg.meetings
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", m.eve_reminder_time):
        problems.append(_say("meetings_eve_reminder_time"))
    for key in ("open_minutes_before", "reminder_minutes_before"):
        if not 0 <= getattr(m, key) <= 24 * 60:
            problems.append(_say("meetings_minutes", key=f"meetings.{key}"))
    if not 10 <= m.default_duration_minutes <= 24 * 60:
        problems.append(_say("meetings_default_duration_minutes"))
    c = cfg.care
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", c.morning_time):
        problems.append(_say("care_morning_time"))
    for key in ("key_contact_days", "contact_days", "escalate_days", "birthday_lookahead_days",
                "holiday_lookahead_days", "help_escalate_hours"):
        if not 1 <= getattr(c, key) <= 3650:
            problems.append(_say("care_days", key=f"care.{key}"))
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", cfg.posts.study_reminder_time):
        problems.append(_say("posts_study_reminder_time"))
    if not 1 <= cfg.posts.followup_hours <= 24 * 14:
        problems.append(_say("posts_followup_hours"))
    times = {"greetings.birthday_time": cfg.greetings.birthday_time,
             "weather.time": cfg.weather.time, "study_day.time": cfg.study_day.time,
             "study_day.announce_time": cfg.study_day.announce_time,
             "digest.time": cfg.digest.time, "backup.time": cfg.backup.time}
    for name in ("yuandan", "chunjie", "yuanxiao", "duanwu", "jiandang", "jianjun", "zhongqiu",
                 "chongyang", "guoqing"):
        times[f"greetings.{name}.time"] = cfg.greetings.holiday(name).time
    for key, value in times.items():
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            problems.append(_say("clock_time", key=key))
    if not 1 <= cfg.study_day.nth <= 4:
        problems.append(_say("study_day_nth"))
    for key, weekday in (("study_day.weekday", cfg.study_day.weekday),
                         ("digest.weekday", cfg.digest.weekday)):
        if not 1 <= weekday <= 7:
            problems.append(_say("weekday", key=key))
    if not cfg.weather.base_url.startswith(("http://", "https://")):
        problems.append(_say("weather_base_url"))
    if cfg.backup.keep < 1:
        problems.append(_say("backup_keep"))
    if not 0 <= cfg.scheduler.grace_hours <= 24:
        problems.append(_say("scheduler_grace_hours"))
    if m.card_edit_seconds < 3:
        problems.append(_say("meetings_card_edit_seconds"))


def parse_config(
    data: dict[str, Any], *, env: Mapping[str, str] | None = None, need_token: bool = True
) -> Config:
    """Validate already-parsed TOML; raise ConfigError naming every bad key."""
    problems: list[str] = []
    cfg: Config = _build(Config, data, "", problems)
    cfg = cfg.with_token_from_env(os.environ if env is None else env)
    _semantic_checks(cfg, problems, need_token=need_token)
    if problems:
        raise ConfigError(problems)
    return cfg


def load_config(
    path: str | Path, *, env: Mapping[str, str] | None = None, need_token: bool = True
) -> Config:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError([_say("file_unreadable", path=p, error=exc.strerror)]) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError([_say("file_not_utf8", path=p)]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([_say("file_not_toml", path=p, error=exc)]) from exc
    return parse_config(data, env=env, need_token=need_token)


def resolve_config_path(cli_value: str | None, env: Mapping[str, str]) -> Path:
    """--config, else BRANCHBOT_CONFIG, else ./config.toml."""
    return Path(cli_value or env.get("BRANCHBOT_CONFIG") or "config.toml")

