"""``harness init``: find the project's Celery app and ASGI webhook app and write its ``[tool.harness]`` table.

Apps are found by reading the project's modules (never importing them): a module-level assignment of a
``Celery(...)`` or ``FastAPI(...)``/``Starlette(...)`` call. When there are several, the one whose module
serves ``/webhook/monday`` wins for the webhook; otherwise the command names the candidates and asks for
``--celery-app`` / ``--webhook-app``.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from harness.config import project_raw
from harness.errors import ConfigError

CELERY_CALLS = frozenset({"Celery"})
ASGI_CALLS = frozenset({"FastAPI", "Starlette"})
SKIPPED_DIRS = frozenset({"tests", "test", "node_modules", "build", "dist", "site-packages", "__pycache__"})
WEBHOOK_PATH = "/webhook/monday"


def add_init_command(sub: Any) -> None:
    init = sub.add_parser("init", help="write the [tool.harness] table of the project in this folder",
                          description="Find the project's Celery app and ASGI webhook app and write the "
                                      "[tool.harness] table of its pyproject.toml, so that harness run and "
                                      "pytest --oauth-test work next.",
                          epilog="exit codes: 0 written; 2 nothing written (ambiguous or no app, a table exists)",
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    init.add_argument("--celery-app", metavar="MOD:ATTR", help="the Celery app, when several are found")
    init.add_argument("--webhook-app", metavar="MOD:ATTR", help="the ASGI webhook app, when several are found")
    init.add_argument("--target-python", metavar="PATH",
                      help="the interpreter with the project's dependencies (default: .venv/bin/python if present)")
    init.add_argument("--project", type=Path, default=Path("."), metavar="DIR", help="the project folder (default .)")


def cmd_init(args: argparse.Namespace) -> int:
    project = args.project.resolve()
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
    if "[tool.harness" in text:
        raise ConfigError(f"{pyproject} already has a [tool.harness] table; edit it, or remove it and run init again")
    celery = args.celery_app or only(find_apps(project, CELERY_CALLS), "Celery", "--celery-app")
    webhook = args.webhook_app or webhook_app(project)
    table = harness_table(celery, webhook, args.target_python or local_python(project), env_file(project))
    pyproject.write_text(text + ("\n" if text and not text.endswith("\n") else "") + table, encoding="utf-8")
    project_raw(project)  # what was written reads back
    print(f"harness: wrote [tool.harness] to {pyproject} (celery_app {celery}, webhook_app {webhook or 'none'})")
    if webhook is None:
        print("harness: no ASGI app found: webhook and OAuth checks cannot run until webhook_app is set",
              file=sys.stderr)
    return 0


def find_apps(project: Path, calls: frozenset[str]) -> list[str]:
    return [f"{module}:{name}" for module, name, _ in _assignments(project, calls)]


def webhook_app(project: Path) -> str | None:
    """The ASGI app; among several, the one whose module names the webhook path."""
    found = list(_assignments(project, ASGI_CALLS))
    serving = [f"{m}:{n}" for m, n, source in found if WEBHOOK_PATH in source]
    candidates = serving if len(found) > 1 and serving else [f"{m}:{n}" for m, n, _ in found]
    return only(candidates, "ASGI", "--webhook-app") if candidates else None


def only(candidates: list[str], kind: str, flag: str) -> str:
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise ConfigError(f"no {kind} app found in this project's modules; give {flag} module:attribute")
    raise ConfigError(f"{len(candidates)} {kind} apps found ({', '.join(candidates)}); choose one with {flag}")


def _assignments(project: Path, calls: frozenset[str]) -> Iterator[tuple[str, str, str]]:
    """(module, attribute, module source) for each module-level ``name = Call(...)`` of one of ``calls``."""
    for path in _modules(project):
        source = path.read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and _calls(node.value, calls):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        yield module_name(project, path), target.id, source


def _calls(value: ast.expr, calls: frozenset[str]) -> bool:
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in calls


def _modules(project: Path) -> Iterator[Path]:
    for path in sorted(project.rglob("*.py")):
        parts = path.relative_to(project).parts[:-1]
        if any(p.startswith(".") or p in SKIPPED_DIRS or _is_venv(project.joinpath(*parts[:i + 1]))
               for i, p in enumerate(parts)):
            continue
        yield path


def _is_venv(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").is_file()


def module_name(project: Path, path: Path) -> str:
    parts = list(path.relative_to(project).with_suffix("").parts)
    if parts[0] == "src" and len(parts) > 1:  # a src layout: the package is installed, src/ is not a package
        parts = parts[1:]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def local_python(project: Path) -> str | None:
    return ".venv/bin/python" if (project / ".venv" / "bin" / "python").exists() else None


def env_file(project: Path) -> str | None:
    return ".env" if (project / ".env").is_file() else None


def harness_table(celery: str, webhook: str | None, python: str | None, env: str | None) -> str:
    def line(key: str, value: str | None, hint: str) -> str:
        return f'{key} = "{value}"\n' if value else f'# {key} = "{hint}"\n'

    return ("\n# Written by `harness init`. `harness run` and `pytest --oauth-test` read this table; see the\n"
            "# harness README, \"Point it at your service\". Unknown keys are an error.\n"
            "[tool.harness.target]\n"
            "# The Celery app and the ASGI app serving POST /webhook/monday, as module:attribute.\n"
            + line("celery_app", celery, "")
            + line("webhook_app", webhook, "main:app")
            + "# The interpreter with your dependencies (default: the one running the harness).\n"
            + line("python", python, ".venv/bin/python")
            + "# Your settings: an env file, NAME = \"value\" pairs in [tool.harness.target.env], pass_env = [...].\n"
            + line("env_file", env, ".env")
            + "# One `celery worker` argument list per worker, as your deployment runs them.\n"
            + '# workers = [["--queues=webhooks,workflows"], ["--queues=tests"]]\n'
            + "\n[tool.harness.run]\n"
            + "# Run options (the command line and HARNESS_* variables win over these).\n"
            + '# services = "auto"       # auto | docker | local | external\n'
            + '# broker_url = "amqp://guest:guest@127.0.0.1:5672/"   # with services = "external"\n')
