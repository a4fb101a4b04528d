"""The factory reads its settings from the environment and fails loudly."""
from __future__ import annotations

import pytest

from survey import create_app
from survey.config import ConfigError, from_environment


def test_database_defaults_to_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    settings = from_environment(tmp_path)
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'sipas.sqlite3'}"


def test_postgres_urls_get_the_psycopg_driver(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h:5432/d")
    assert from_environment(tmp_path)["DATABASE_URL"] == "postgresql+psycopg://u@h:5432/d"


def test_development_secret_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SIPAS_ENV", raising=False)
    first = from_environment(tmp_path)["SECRET_KEY"]
    second = from_environment(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SIPAS_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        from_environment(tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_production_cookies_are_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("SIPAS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("SIPAS_BASE_URL", "https://khaosat.example.gov.vn")  # required in production
    settings = from_environment(tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] and settings["SESSION_COOKIE_HTTPONLY"]
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_port_must_be_a_number(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("PORT", "80a")
    with pytest.raises(ConfigError, match="PORT"):
        from_environment(tmp_path)
    monkeypatch.setenv("PORT", "8123")
    assert from_environment(tmp_path)["PORT"] == 8123


def test_test_config_overrides_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////nonexistent/env.db")
    app = create_app({"SECRET_KEY": "t", "DATABASE_URL": f"sqlite:///{tmp_path}/t.db", "TESTING": True})
    assert app.config["DATABASE_URL"].endswith("/t.db")
    assert app.config["SECRET_KEY"] == "t"


def test_proxy_count_trusts_forwarded_address(tmp_path):
    def remote_addr(proxies: int) -> str:
        app = create_app({"SECRET_KEY": "t", "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
                          "TESTING": True, "SIPAS_PROXY_COUNT": proxies})

        @app.get("/_addr")
        def _addr():
            from flask import request

            return request.remote_addr

        return app.test_client().get("/_addr", headers={"X-Forwarded-For": "203.0.113.9"},
                                     environ_base={"REMOTE_ADDR": "10.0.0.1"}).get_data(as_text=True)

    assert remote_addr(0) == "10.0.0.1"
    assert remote_addr(1) == "203.0.113.9"


def test_method_settings_come_from_the_environment(tmp_path, monkeypatch):
    from survey.results.config import Method

    monkeypatch.setenv("SIPAS_INDEX_METHOD", "mean_pct")
    monkeypatch.setenv("SIPAS_CI_METHOD", "exact")
    monkeypatch.setenv("SIPAS_CONF_LEVEL", "0.9")
    app = create_app({"SECRET_KEY": "t", "DATABASE_URL": f"sqlite:///{tmp_path}/t.db", "TESTING": True})
    with app.app_context():
        assert Method.from_config() == Method(index="mean_pct", interval="exact", level=0.9, min_n=30)


@pytest.mark.parametrize("name, value, message", [
    ("SIPAS_INDEX_METHOD", "median", "SIPAS_INDEX_METHOD must be one of top2box, mean_pct"),
    ("SIPAS_CI_METHOD", "wald", "SIPAS_CI_METHOD must be one of wilson, exact, jeffreys"),
    ("SIPAS_CONF_LEVEL", "95", "SIPAS_CONF_LEVEL must be at least 0.5 and below 1"),
    ("SIPAS_CONF_LEVEL", "high", "SIPAS_CONF_LEVEL must be a number"),
])
def test_bad_method_settings_refuse_to_start(tmp_path, monkeypatch, name, value, message):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        from_environment(tmp_path)


def test_redis_url_without_the_redis_package_says_how_to_install_it(tmp_path, monkeypatch):
    import importlib.util

    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "redis" else real(name, *a))
    with pytest.raises(ConfigError, match=r"pip install 'sipas\[redis\]'"):
        from_environment(tmp_path)
