"""Config: typed, validated, and every problem named by its key."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import ConfigError, load_config, parse_config
from tests.conftest import base_settings

ROOT = Path(__file__).resolve().parent.parent


def test_example_config_is_valid_and_documents_every_key() -> None:
    cfg = load_config(ROOT / "config.example.toml", env={"BOT_TOKEN": "1:abc"})
    assert cfg.branch.timezone == "Asia/Shanghai"
    assert cfg.telegram.token == "1:abc"
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for section in dataclasses.fields(cfg):
        value = getattr(cfg, section.name)
        for f in dataclasses.fields(value):
            if dataclasses.is_dataclass(getattr(value, f.name)):
                for sub in dataclasses.fields(getattr(value, f.name)):
                    assert f"\n{sub.name} = " in text, f"{section.name}.{f.name}.{sub.name}"
            else:
                assert f"\n{f.name} = " in text, f"{section.name}.{f.name} is undocumented"


def test_unknown_key_is_named() -> None:
    settings = base_settings()
    settings["branch"]["nmae"] = "x"
    with pytest.raises(ConfigError) as err:
        parse_config(settings, env={}, need_token=False)
    assert any(p.startswith("branch.nmae：未知的配置项") for p in err.value.problems)


def test_wrong_type_names_the_key_and_what_is_expected() -> None:
    settings = base_settings()
    settings["chats"]["group_chat_id"] = "-100123"
    settings["telegram"]["mode"] = "push"
    settings["branch"]["latitude"] = True
    with pytest.raises(ConfigError) as err:
        parse_config(settings, env={}, need_token=False)
    problems = err.value.problems
    assert "chats.group_chat_id：应为整数，实际是 '-100123'" in problems
    assert any(p.startswith("telegram.mode：应为其中之一") for p in problems)
    assert any(p.startswith("branch.latitude：应为数字") for p in problems)


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"branch": {"timezone": "Mars/Olympus"}}, env={}, need_token=True)
    keys = {p.split("：")[0] for p in err.value.problems}
    assert {"branch.name", "branch.timezone", "chats.group_chat_id",
            "admins.secretary_ids", "telegram.token"} <= keys


def test_token_from_environment_wins() -> None:
    settings = base_settings()
    settings["telegram"]["token"] = "from-file"
    cfg = parse_config(settings, env={"BOT_TOKEN": "from-env"})
    assert cfg.telegram.token == "from-env"


@pytest.mark.parametrize("seconds", [0, -1, 301])
def test_request_timeout_must_be_sensible(seconds: float) -> None:
    settings = base_settings()
    settings["telegram"]["timeout_seconds"] = seconds
    with pytest.raises(ConfigError) as err:
        parse_config(settings, env={"BOT_TOKEN": "1:a"})
    assert any(p.startswith("telegram.timeout_seconds") for p in err.value.problems)


def test_webhook_mode_needs_an_https_url() -> None:
    settings = base_settings()
    settings["telegram"]["mode"] = "webhook"
    with pytest.raises(ConfigError) as err:
        parse_config(settings, env={"BOT_TOKEN": "1:a"})
    assert any(p.startswith("telegram.webhook.url") for p in err.value.problems)


def test_broken_toml_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "c.toml"
    bad.write_text("[branch\nname = 1", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(bad)
    assert "TOML 格式错误" in err.value.problems[0]


def test_check_config_command_prints_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    cfg = tmp_path / "c.toml"
    cfg.write_text('[branch]\nname = "测试"\ncolour = "red"\n[chats]\ngroup_chat_id = 5\n',
                   encoding="utf-8")
    assert main(["check-config", "--config", str(cfg)]) == 1
    out = capsys.readouterr().out
    assert "branch.colour：未知的配置项" in out
    assert "chats.group_chat_id：应为支部群的 chat id" in out
    assert "telegram.token：未设置" in out


def test_check_config_accepts_a_good_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "1:abc")
    monkeypatch.setenv("BRANCHBOT_CONFIG", str(ROOT / "config.example.toml"))
    assert main(["check-config"]) == 0
    assert "配置正确" in capsys.readouterr().out


def test_running_without_a_token_refuses_to_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["--config", str(ROOT / "config.example.toml")])
    assert exit_info.value.code == 2
    assert "telegram.token" in capsys.readouterr().err


@pytest.mark.parametrize("secret", ["", "has spaces", "x" * 257, "中文密钥"])
def test_webhook_mode_refuses_to_run_without_a_proper_secret(secret: str) -> None:
    settings = base_settings()
    settings["telegram"]["mode"] = "webhook"
    settings["telegram"]["webhook"] = {"url": "https://bot.example.org", "secret": secret}
    with pytest.raises(ConfigError) as err:
        parse_config(settings, env={"BOT_TOKEN": "1:a"})
    [problem] = [p for p in err.value.problems if p.startswith("telegram.webhook.secret")]
    assert "secrets.token_urlsafe" in problem  # says how to make one


def test_webhook_mode_with_a_secret_is_accepted() -> None:
    settings = base_settings()
    settings["telegram"]["mode"] = "webhook"
    settings["telegram"]["webhook"] = {"url": "https://bot.example.org", "secret": "a-B_9"}
    assert parse_config(settings, env={"BOT_TOKEN": "1:a"}).telegram.webhook.secret == "a-B_9"
