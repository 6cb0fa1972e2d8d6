"""The option table (``harness.options``) as argparse, pytest and Locust options.

Every parser gets ``default=None`` for run options, so that :func:`harness.options.resolve` can tell a value
given on the command line from one left to the environment, the project file or the default.
"""

from __future__ import annotations

import argparse
from collections.abc import Collection, Mapping
from typing import Any

from harness.options import Option, offered

PYTEST_PREFIX = "--harness-"


def help_text(option: Option, env_prefix: str = "HARNESS_", in_file: bool = True) -> str:
    """The option's help with where else it can be set and its default."""
    sources = []
    if option.env:
        sources.append(f"${env_prefix}{option.name.upper()}")
    if option.file_key and in_file:
        sources.append(option.file_key)
    if option.default not in (None, "", [], False) and option.kind != "flag":
        sources.append(f"default {option.default}")
    return f"{option.help} ({'; '.join(sources)})" if sources else option.help


def _keywords(option: Option) -> dict[str, Any]:
    """argparse keywords for the option's kind (the value itself stays None unless given)."""
    if option.kind == "flag":
        return {"action": "store_const", "const": option.flag is None, "default": None}
    if option.kind == "list":
        return {"action": "append", "default": None, "metavar": option.metavar}
    if option.kind == "optional":
        return {"nargs": "?", "const": "all", "default": None, "metavar": option.metavar}
    kw: dict[str, Any] = {"default": None, "metavar": option.metavar}
    if option.kind == "float":
        kw["type"] = float
    if option.kind == "int":
        kw["type"] = int
    if option.choices:
        kw["choices"] = option.choices
    return kw


def add_to_argparse(parser: argparse.ArgumentParser, where: str) -> None:
    for option in offered(where):
        parser.add_argument(option.cli_flag, dest=option.name, help=help_text(option), **_keywords(option))


def given_by_argparse(args: argparse.Namespace, where: str) -> dict[str, Any]:
    return {o.name: getattr(args, o.name, None) for o in offered(where)}


def pytest_flags(option: Option, taken: Collection[str]) -> list[str]:
    """``--harness-<name>``, and the plain spelling too unless the project or another plugin already has it."""
    plain = option.cli_flag
    own = PYTEST_PREFIX + plain.removeprefix("--")
    return [own] if plain in taken else [own, plain]


def add_to_pytest(group: Any, where: str, taken: Collection[str]) -> None:
    for option in offered(where):
        group.addoption(*pytest_flags(option, taken), dest=pytest_dest(option), help=help_text(option),
                        **_keywords(option))


def pytest_dest(option: Option) -> str:
    return "harness_" + option.name


def given_by_pytest(namespace: Any, where: str) -> dict[str, Any]:
    return {o.name: getattr(namespace, pytest_dest(o), None) for o in offered(where)}


def add_to_locust(parser: Any, where: str, defaults: Mapping[str, Any]) -> None:
    """Locust's parser reads ``LOCUST_<NAME>`` itself; secrets stay out of its web UI form."""
    for option in offered(where):
        kw = _keywords(option)
        kw["default"] = defaults.get(option.name, option.default)
        parser.add_argument(option.cli_flag, dest=option.name, env_var=f"LOCUST_{option.name.upper()}",
                            include_in_web_ui=not option.secret, help=help_text(option, "LOCUST_", in_file=False), **kw)
