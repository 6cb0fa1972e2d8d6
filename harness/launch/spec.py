"""Resolve ``--target`` and its companion options into where the target's code lives."""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from harness.config import RunOptions
from harness.errors import TargetError
from harness.target_settings import TargetSettings

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "targets"
BUNDLED = {"reference": "reference_target", "seed": "seed_target"}
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


@dataclass(frozen=True)
class TargetSpec:
    """Where a target's Celery app and webhook come from, and which interpreter runs them."""

    name: str
    celery_app: str                      # "module:attr"
    webhook_app: str | None = None       # "module:attr" served with uvicorn, when known
    webhook_url: str | None = None       # an already running webhook
    python: str = sys.executable
    path: tuple[Path, ...] = field(default_factory=tuple)

    @property
    def module(self) -> str:
        return self.celery_app.partition(":")[0]


def resolve(run: RunOptions, target: TargetSettings, project_dir: Path) -> TargetSpec:
    """Turn the run options and the project's ``[target]`` into a :class:`TargetSpec`, rejecting what
    cannot be a target."""
    python = _python(target.python, project_dir)
    module, path = _module_and_path(run.target, project_dir)
    celery_app = _app_ref(target.celery_app, "--celery-app") if target.celery_app else f"{module}:celery_app"
    webhook_app = _app_ref(target.webhook_app, "--webhook-app") if target.webhook_app else None
    if run.webhook_url and not run.webhook_url.startswith(("http://", "https://")):
        raise TargetError(f"--webhook-url must be an http(s) URL, got {run.webhook_url!r}")
    name = run.target if not run.celery_app else run.celery_app
    return TargetSpec(name, celery_app, webhook_app, run.webhook_url, python, path)


def _module_and_path(target: str, project_dir: Path) -> tuple[str, tuple[Path, ...]]:
    if target in BUNDLED:
        return BUNDLED[target], (BUNDLED_DIR,)
    if ":" in target:  # a project's own layout: its Celery app, importable from the project directory
        _app_ref(target, "--target")
        return target.partition(":")[0], (project_dir.resolve(),)
    if target.endswith(".py"):
        file = (project_dir / target).resolve()
        if not file.is_file():
            raise TargetError(f"target file {target} does not exist")
        return file.stem, (file.parent,)
    if not _DOTTED.match(target):
        raise TargetError(f"--target must be reference, seed, a dotted module or a .py file, not {target!r}")
    return target, (project_dir.resolve(),)


def _app_ref(ref: str, option: str) -> str:
    module, sep, attr = ref.partition(":")
    if not sep or not _DOTTED.match(module) or not attr.isidentifier():
        raise TargetError(f"{option} must look like module.path:attribute, got {ref!r}")
    return ref


def _python(path: str | None, project_dir: Path) -> str:
    """The target's interpreter: a name on PATH, or a path (relative to the project directory)."""
    if path is None:
        return sys.executable
    found = shutil.which(path) if "/" not in path else (str(file) if (file := project_dir / path).is_file() else None)
    if found is None:
        raise TargetError(f"--target-python {path} is not an executable interpreter")
    return found
