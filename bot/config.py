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

    def with_token_from_env(self, env: Mapping[str, str]) -> Config:
        token = env.get("BOT_TOKEN", "").strip()
        if not token:
            return self
        return dataclasses.replace(
            self, telegram=dataclasses.replace(self.telegram, token=token)
        )


_TYPE_NAMES = {str: "字符串", int: "整数", float: "数字", bool: "true/false"}


def _describe(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is Literal:
        return "其中之一：" + "、".join(f'"{a}"' for a in typing.get_args(tp))
    if origin is tuple:
        return f"{_describe(typing.get_args(tp)[0])}的列表"
    if dataclasses.is_dataclass(tp):
        return "一个表（[section]）"
    return _TYPE_NAMES.get(tp, str(tp))


def _convert(tp: Any, value: Any, key: str, problems: list[str]) -> Any:
    """Check one value against its declared type; return it converted, or None."""
    origin = typing.get_origin(tp)
    wrong = f"{key}：应为{_describe(tp)}，实际是 {value!r}"
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
            problems.append(f"{dotted}：未知的配置项（请检查拼写，参见 config.example.toml）")
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
        problems.append("branch.name：必须填写支部名称")
    try:
        ZoneInfo(cfg.branch.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"branch.timezone：未知的时区 {cfg.branch.timezone!r}，例如 Asia/Shanghai")
    if not -90 <= cfg.branch.latitude <= 90:
        problems.append("branch.latitude：纬度应在 -90 到 90 之间")
    if not -180 <= cfg.branch.longitude <= 180:
        problems.append("branch.longitude：经度应在 -180 到 180 之间")
    if cfg.chats.group_chat_id >= 0:
        problems.append("chats.group_chat_id：应为支部群的 chat id（群组 id 是负数）")
    if cfg.chats.committee_chat_id > 0:
        problems.append("chats.committee_chat_id：应为支委群的 chat id（负数），不用时填 0")
    if cfg.chats.committee_chat_id and cfg.chats.committee_chat_id == cfg.chats.group_chat_id:
        problems.append("chats.committee_chat_id：不能与 chats.group_chat_id 相同")
    if not cfg.admins.secretary_ids:
        problems.append("admins.secretary_ids：至少填写一位书记的 Telegram 用户 id")
    if not cfg.telegram.base_url.startswith(("http://", "https://")):
        problems.append("telegram.base_url：应以 http:// 或 https:// 开头")
    if need_token and not cfg.telegram.token:
        problems.append("telegram.token：未设置（也可用环境变量 BOT_TOKEN 提供）")
    if cfg.telegram.mode == "webhook" and not cfg.telegram.webhook.url.startswith("https://"):
        problems.append("telegram.webhook.url：webhook 模式需要 https:// 开头的公网地址")
    if cfg.telegram.mode == "webhook" and not _WEBHOOK_SECRET.fullmatch(
            cfg.telegram.webhook.secret):
        problems.append(
            "telegram.webhook.secret：webhook 模式必须设置密钥（1–256 个英文字母、数字、_ 或 -），"
            "否则任何人都能冒充 Telegram 给机器人发消息。生成一个："
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'")
    if not 1 <= cfg.telegram.webhook.port <= 65535:
        problems.append("telegram.webhook.port：端口应在 1 到 65535 之间")
    if not 0 < cfg.telegram.timeout_seconds <= 300:
        problems.append("telegram.timeout_seconds：应在 0 到 300 秒之间")
    rl = cfg.telegram.rate_limit
    if rl.overall_per_second <= 0 or rl.group_per_minute <= 0:
        problems.append("telegram.rate_limit：速率必须大于 0")
    if rl.max_retries < 0:
        problems.append("telegram.rate_limit.max_retries：不能为负数")
    if cfg.linking.invite_days < 1:
        problems.append("linking.invite_days：至少 1 天")
    m = cfg.meetings
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", m.eve_reminder_time):
        problems.append("meetings.eve_reminder_time：应为 24 小时制时间，如 \"19:00\"")
    for key in ("open_minutes_before", "reminder_minutes_before"):
        if not 0 <= getattr(m, key) <= 24 * 60:
            problems.append(f"meetings.{key}：应在 0 到 1440 分钟之间")
    if not 10 <= m.default_duration_minutes <= 24 * 60:
        problems.append("meetings.default_duration_minutes：应在 10 到 1440 分钟之间")
    c = cfg.care
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", c.morning_time):
        problems.append("care.morning_time：应为 24 小时制时间，如 \"08:00\"")
    for key in ("key_contact_days", "contact_days", "escalate_days", "birthday_lookahead_days",
                "holiday_lookahead_days", "help_escalate_hours"):
        if not 1 <= getattr(c, key) <= 3650:
            problems.append(f"care.{key}：应为 1 到 3650 之间的整数")
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", cfg.posts.study_reminder_time):
        problems.append("posts.study_reminder_time：应为 24 小时制时间，如 \"09:00\"")
    if not 1 <= cfg.posts.followup_hours <= 24 * 14:
        problems.append("posts.followup_hours：应在 1 到 336 小时之间")
    times = {"greetings.birthday_time": cfg.greetings.birthday_time,
             "weather.time": cfg.weather.time, "study_day.time": cfg.study_day.time,
             "study_day.announce_time": cfg.study_day.announce_time,
             "digest.time": cfg.digest.time, "backup.time": cfg.backup.time}
    for name in ("yuandan", "chunjie", "yuanxiao", "duanwu", "jiandang", "jianjun", "zhongqiu",
                 "chongyang", "guoqing"):
        times[f"greetings.{name}.time"] = cfg.greetings.holiday(name).time
    for key, value in times.items():
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            problems.append(f"{key}：应为 24 小时制时间，如 \"08:00\"")
    if not 1 <= cfg.study_day.nth <= 4:
        problems.append("study_day.nth：应为 1 到 4（每月第几个）")
    for key, weekday in (("study_day.weekday", cfg.study_day.weekday),
                         ("digest.weekday", cfg.digest.weekday)):
        if not 1 <= weekday <= 7:
            problems.append(f"{key}：应为 1（周一）到 7（周日）")
    if not cfg.weather.base_url.startswith(("http://", "https://")):
        problems.append("weather.base_url：应以 http:// 或 https:// 开头")
    if cfg.backup.keep < 1:
        problems.append("backup.keep：至少保留 1 份")
    if not 0 <= cfg.scheduler.grace_hours <= 24:
        problems.append("scheduler.grace_hours：应在 0 到 24 之间")
    if m.card_edit_seconds < 3:
        problems.append("meetings.card_edit_seconds：至少 3 秒（每个群每分钟最多 20 条消息）")


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
        raise ConfigError([f"{p}：无法读取配置文件（{exc.strerror}）"]) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{p}：配置文件必须是 UTF-8 编码"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{p}：TOML 格式错误：{exc}"]) from exc
    return parse_config(data, env=env, need_token=need_token)


def resolve_config_path(cli_value: str | None, env: Mapping[str, str]) -> Path:
    """--config, else BRANCHBOT_CONFIG, else ./config.toml."""
    return Path(cli_value or env.get("BRANCHBOT_CONFIG") or "config.toml")

