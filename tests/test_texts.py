"""The catalog: every refusal a service can give has its words, every text is used, and
no sentence is written twice under two names (a change to one would miss the other)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from bot import texts
from bot.services.problems import Problem
from bot.services.weather import WeatherText

ROOT = Path(__file__).resolve().parents[1]


def _constants() -> dict[str, object]:
    return {n: getattr(texts, n) for n in dir(texts) if n.isupper()}


def test_every_problem_has_words() -> None:
    missing = [p for p in Problem if p not in texts.PROBLEMS]
    assert missing == []
    for problem, text in texts.PROBLEMS.items():
        assert isinstance(text, str) and text.strip(), problem


def test_every_weather_warning_has_words() -> None:
    assert [w for w in WeatherText if w not in texts.WEATHER_TEXTS] == []


def test_every_text_is_used() -> None:
    code = "\n".join(p.read_text(encoding="utf-8")
                     for folder in ("bot", "storage") for pattern in ("*.py", "*.html")
                     for p in (ROOT / folder).rglob(pattern) if p.name != "texts.py")
    catalog = (ROOT / "bot" / "texts.py").read_text(encoding="utf-8")
    unused = [name for name in _constants()
              if not re.search(rf"\b{name}\b", code)
              and len(re.findall(rf"\b{name}\b", catalog)) < 2]
    assert unused == []


def test_no_sentence_is_written_twice() -> None:
    by_value: dict[str, list[str]] = defaultdict(list)
    for name, value in _constants().items():
        if isinstance(value, str):
            by_value[value].append(name)
    assert [names for names in by_value.values() if len(names) > 1] == []


def test_every_configuration_problem_has_words_and_every_word_a_problem() -> None:
    source = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    used = set(re.findall(r'_say\("(\w+)"', source))
    used |= {"type_str", "type_int", "type_float", "type_bool"}  # looked up by type
    assert used == set(texts.CONFIG_PROBLEMS)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def test_no_text_calls_a_person_he() -> None:
    """The roster's sex is often unknown and most members are women: a text about one
    person names him or her (or says 该同志), never 他 (他们 for several is fine)."""
    he = {name: s for name, value in _constants().items() for s in _strings(value)
          if re.search(r"(?<!其)他(?!们)", s)}
    assert he == {}
