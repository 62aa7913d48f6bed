"""Production settings pass Django's deployment checklist; missing secrets fail loudly."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "pintu.settings",
    "PINTU_DEBUG": "0",
    "PINTU_SECRET_KEY": "k3y-for-the-deploy-check-only-8f2b9c1e7d6a5f4e3d2c1b0a9f8e7d6c5b4a3",
    "PINTU_ALLOWED_HOSTS": "pintu.banyuwangikab.go.id",
    "DATABASE_URL": "sqlite:////tmp/pintu-deploy-check.sqlite3",
}


def _manage(*args, env_overrides):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("PINTU_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_refuses_to_start():
    env = {k: v for k, v in PRODUCTION.items() if k != "PINTU_SECRET_KEY"}
    result = _manage("check", env_overrides=env)
    assert result.returncode != 0 and "PINTU_SECRET_KEY" in result.stderr
