"""``harness doctor``: what works on this machine for a run from this folder, and why not.

Which provisioning back-ends work (and which one ``auto`` picks), the Redis of ``--broker redis``, whether
the configured target imports under its own interpreter, and whether Chromium is there for the test that
opens report.html in a browser.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from harness.config import HarnessConfig
from harness.redact import mask_url_passwords

BUNDLED = ("reference", "seed")
IMPORT_PROBE = ("import importlib, sys; sys.path.insert(0, '.'); mod, _, attr = sys.argv[1].partition(':'); "
                "obj = importlib.import_module(mod); attr and getattr(obj, attr)")


def doctor_lines(config: HarnessConfig, project_dir: Path) -> Iterator[tuple[str, bool, str]]:
    yield from backend_lines(config)
    yield from target_lines(config, project_dir)
    yield chromium_line()


def backend_lines(config: HarnessConfig) -> Iterator[tuple[str, bool, str]]:
    from harness.services import AUTO_ORDER, doctor
    from harness.services.redis import redis_doctor

    found = doctor(config.services)
    yield from found
    picked = next((name for name in AUTO_ORDER for n, ok, _ in found if n == name and ok), None)
    yield "auto", picked is not None, f"picks {picked}" if picked else "no back-end works here"
    yield from redis_doctor(config.services.redis_url)  # for --broker redis and harness ab


def target_lines(config: HarnessConfig, project_dir: Path) -> Iterator[tuple[str, bool, str]]:
    """Each configured app reference, imported by the target's interpreter from the project folder."""
    python = config.target.python or sys.executable
    if config.run.target in BUNDLED and not config.target.celery_app:
        yield "target", True, f"{config.run.target} (bundled with the harness)"
        return
    for role, ref in (("celery app", config.target.celery_app or config.run.target),
                      ("webhook app", config.target.webhook_app)):
        if ref:
            yield role, *imports(python, ref, project_dir)


def imports(python: str, ref: str, project_dir: Path) -> tuple[bool, str]:
    if ref.endswith(".py"):
        path = project_dir / ref
        return path.is_file(), f"{ref} {'exists' if path.is_file() else 'does not exist'}"
    interpreter = Path(python) if Path(python).is_absolute() else project_dir / python
    try:
        done = subprocess.run([str(interpreter), "-c", IMPORT_PROBE, ref], cwd=project_dir, capture_output=True,
                              text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"{ref}: {interpreter} could not run ({type(exc).__name__})"
    if done.returncode == 0:
        return True, f"{ref} imports under {interpreter}"
    last = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return False, f"{ref} does not import under {interpreter}: {last[:200]}"


def chromium_line() -> tuple[str, bool, str]:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    why = found or "not on PATH (apt-get install chromium); only the browser test of report.html needs it"
    return "chromium", found is not None, why


def print_lines(lines: Iterator[tuple[str, bool, str]]) -> bool:
    """Print each line; True when some back-end works."""
    usable = False
    for name, ok, why in lines:
        usable |= ok and name == "auto"
        print(f"{name:14} {'ok' if ok else 'no':4} {mask_url_passwords(why)}")
    return usable
