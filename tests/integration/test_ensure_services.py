"""make run's service step: without Docker or servers, a non-root user gets the exact command to run."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "ensure-services.sh"


def _as_nobody() -> list[str]:
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser") is None:
        pytest.skip("needs runuser to run the script as an unprivileged user")
    return [str(shutil.which("runuser")), "-u", "nobody", "--"]


def test_missing_servers_without_root_prints_the_install_command(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HARNESS_RABBIT_SERVER": str(tmp_path / "none"),
           "HARNESS_PG_CTL_GLOB": str(tmp_path / "none*"), "DOCKER_HOST": "unix:///nonexistent.sock"}
    with tempfile.TemporaryDirectory() as readable:  # the checkout may sit in a folder only root can enter
        os.chmod(readable, 0o755)
        script = shutil.copy(SCRIPT, Path(readable) / SCRIPT.name)
        done = subprocess.run([*_as_nobody(), "bash", str(script)], env=env, capture_output=True, text=True,
                              timeout=60, check=False)
    assert done.returncode == 2
    assert "apt-get install -y --no-install-recommends rabbitmq-server postgresql" in done.stderr


def test_installed_servers_pass() -> None:
    done = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
