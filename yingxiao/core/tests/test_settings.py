"""Production settings refuse to start half-configured and pass `check --deploy` with no warning."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SECRET = "k7#Qm2!vX9pL$wR4zT8&nB6^yH3*jF5@cD1%gS0(eA)uI-oP+lK=" + "x" * 10


def clean_env(**extra):
    """The bare environment a server starts with: no settings module, no secrets, no database URL."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "SYSTEMROOT") if k in os.environ}
    env.update(extra)
    return env


def run(args, **env):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean_env(**env), capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": "yingxiao.example.com"}, "SECRET_KEY"),
        ({"SECRET_KEY": SECRET}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": SECRET, "ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": "   ", "ALLOWED_HOSTS": "yingxiao.example.com"}, "SECRET_KEY"),
    ],
)
def test_prod_refuses_to_start_without_secret_key_and_allowed_hosts(env, missing):
    result = run(["-c", "import yingxiao.settings.prod"], **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_prod_passes_check_deploy_with_no_warning():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="yingxiao.settings.prod",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="yingxiao.example.com,10.0.0.5",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_prod_settings_values():
    code = (
        "import yingxiao.settings.prod as s;"
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.TIME_ZONE, s.LANGUAGE_CODE)"
    )
    result = run(["-c", code], SECRET_KEY=SECRET, ALLOWED_HOSTS=" a.example.com , b.example.com ")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['a.example.com', 'b.example.com'] True True Asia/Shanghai zh-hans"


def test_the_test_settings_are_chinese_and_in_shanghai(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert {code for code, _ in settings.LANGUAGES} == {"zh-hans", "en"}
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


@pytest.mark.django_db
def test_sqlite_runs_with_foreign_keys_and_immediate_transactions():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
