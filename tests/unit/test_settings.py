"""Settings: every one is documented in .env.example, and nothing is read at import."""

from __future__ import annotations

from pathlib import Path

import pytest

from metasync.settings import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def _env_name(field: str) -> str:
    alias = Settings.model_fields[field].validation_alias
    return alias if isinstance(alias, str) else f"METASYNC_{field.upper()}"


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented_in_env_example(field: str) -> None:
    documented = ENV_EXAMPLE.read_text()
    assert f"\n# {_env_name(field)}=" in documented or f"\n{_env_name(field)}=" in documented


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METASYNC_GRAPH_API_VERSION", "v26.0")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.graph_api_version == "v26.0"
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == "postgresql://u@h/db"
    assert "postgresql://u@h/db" not in repr(settings)


def test_bad_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METASYNC_WORKER_CONCURRENCY", "0")
    with pytest.raises(ValueError, match="worker_concurrency"):
        Settings(_env_file=None)  # type: ignore[call-arg]
