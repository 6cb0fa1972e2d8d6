"""``harness init`` finds the apps by reading the modules, asks when it cannot choose, and writes a table that loads."""

from pathlib import Path

import pytest

from harness.cli import main
from harness.config import load_config

CELERY = 'from celery import Celery\ncelery_app = Celery("svc")\n'
WEBHOOK = 'from fastapi import FastAPI\napp = FastAPI()\n@app.post("/webhook/monday")\nasync def hook(): ...\n'
ADMIN = 'import fastapi\nadmin = fastapi.FastAPI()\n'


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_writes_a_table_that_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, {"src/svc/worker.py": CELERY, "src/svc/web.py": WEBHOOK, "admin.py": ADMIN,
                              ".venv/lib/x.py": CELERY, "tests/test_x.py": CELERY})
    assert main(["init", "--project", str(root)]) == 0
    target = load_config(root).target
    assert (target.celery_app, target.webhook_app) == ("svc.worker:celery_app", "svc.web:app")
    assert "# Written by `harness init`" in (root / "pyproject.toml").read_text()


def test_two_celery_apps_ask_for_the_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, {"a.py": CELERY, "b.py": CELERY, "web.py": WEBHOOK})
    assert main(["init", "--project", str(root)]) == 2
    err = capsys.readouterr().err
    assert "a:celery_app, b:celery_app" in err and "--celery-app" in err and err.count("\n") == 1
    assert main(["init", "--project", str(root), "--celery-app", "b:celery_app"]) == 0


def test_an_existing_table_is_left_alone(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": CELERY, "pyproject.toml": '[tool.harness.run]\nquick = true\n'})
    assert main(["init", "--project", str(root)]) == 2
    assert (root / "pyproject.toml").read_text() == '[tool.harness.run]\nquick = true\n'
