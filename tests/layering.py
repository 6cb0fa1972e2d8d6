"""The import rules of ARCHITECTURE.md, judged on source text.

``layers.toml`` is the layer table. A module may import its own layer and those its layer may import;
only entry points read the process environment or the working directory, load the configuration or
import pytest; only the modules ``layers.toml`` names under ``locust`` import Locust or gevent. Imports are
read with :mod:`ast`, wherever they stand (inside functions and ``TYPE_CHECKING`` blocks too).
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("harness", "payloads", "fixtures", "scenarios")
PYTEST, LOCUST = ("pytest", "_pytest"), ("locust", "gevent")
LOAD_CONFIG = "harness.config.load_config"
ENVIRONMENT = {"os": ("environ", "environb", "getenv", "getenvb", "getcwd", "getcwdb"), "Path": ("cwd",)}


@dataclass(frozen=True)
class Layer:
    name: str
    modules: tuple[str, ...]
    allowed: frozenset[str]  # the layers it may import: its own, those it names, and theirs
    entry_point: bool


@dataclass(frozen=True)
class Layers:
    layers: tuple[Layer, ...]
    known: frozenset[str]  # the modules of the tree, to tell ``from a import module`` from ``from a import name``
    locust: tuple[str, ...] = ()  # the patterns of the modules that may import Locust or gevent

    def of(self, module: str) -> Layer | None:
        """The layer of the longest pattern that matches ``module``."""
        matches = [(len(pattern), layer) for layer in self.layers for pattern in layer.modules
                   if covers(pattern, module)]
        return max(matches, key=lambda match: match[0])[1] if matches else None

    def imports_locust(self, module: str) -> bool:
        """Whether ``module`` is one of the modules that may import Locust or gevent."""
        return any(covers(pattern, module) for pattern in self.locust)

    def resolve(self, name: str) -> str:
        """The module an imported name lives in (``harness.config.load_config`` → ``harness.config``)."""
        while name not in self.known and "." in name:
            name = name.rsplit(".", 1)[0]
        return name


def covers(pattern: str, module: str) -> bool:
    """``a.b.*`` covers the package ``a.b`` and all under it; otherwise shell-style matching."""
    return fnmatchcase(module, pattern) or (pattern.endswith(".*") and module == pattern[:-2])


def load_layers(path: Path = ROOT / "layers.toml", root: Path = ROOT) -> Layers:
    allowed: dict[str, frozenset[str]] = {}
    layers = []
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    for entry in table["layer"]:
        below = [name for name in entry["may_import"] if name not in allowed]
        assert not below, f"layer {entry['name']!r} may import {below}, which are not below it in {path.name}"
        allowed[entry["name"]] = frozenset({entry["name"]}).union(*(allowed[n] for n in entry["may_import"]))
        layers.append(Layer(entry["name"], tuple(entry["modules"]), allowed[entry["name"]],
                            bool(entry.get("entry_point", False))))
    return Layers(tuple(layers), frozenset(modules_of(root)), tuple(table.get("locust", ())))


def modules_of(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the four packages, by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported_names(tree: ast.Module, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """Each imported name, absolute: ``import a.b`` gives ``a.b``, ``from a import b`` gives ``a.b``."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            yield from ((base if alias.name == "*" else f"{base}.{alias.name}", node.lineno) for alias in node.names)


def environment_reads(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """``os.environ``, ``os.getenv``, ``os.getcwd``, ``Path.cwd`` (however ``Path`` is reached)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ENVIRONMENT.get(_last_name(node.value), ()):
            yield f"{_last_name(node.value)}.{node.attr}", node.lineno


def _last_name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def violations(module: str, source: str, layers: Layers, is_package: bool = False) -> list[str]:
    """What ``module`` (its ``source``) does that its layer may not."""
    layer = layers.of(module)
    if layer is None:
        return [f"{module}: in no layer of layers.toml"]
    tree, found = ast.parse(source), []
    for name, line in imported_names(tree, module, is_package):
        found.extend(f"{module}:{line} ({layer.name}) {why}" for why in _import_breaches(name, module, layer, layers))
    if not layer.entry_point:
        found.extend(f"{module}:{line} ({layer.name}) reads {what}: only entry points do"
                     for what, line in environment_reads(tree))
    return found


def _import_breaches(name: str, module: str, layer: Layer, layers: Layers) -> Iterator[str]:
    top = name.split(".")[0]
    if top in PACKAGES:
        target = layers.resolve(name)
        above = layers.of(target)
        if above is not None and above.name not in layer.allowed:
            yield f"imports {target} ({above.name}), not a layer below its own"
    if top in LOCUST and not layers.imports_locust(module):
        yield f"imports {top}: only the Locust modules do"
    if layer.entry_point:
        return
    if top in PYTEST:
        yield f"imports {top}: only entry points do"
    if name == LOAD_CONFIG:
        yield "imports load_config: only entry points load the configuration"
    if top == "os" and name.rpartition(".")[2] in ENVIRONMENT["os"]:
        yield f"imports {name}: only entry points read the environment"


def tree_violations(layers: Layers, root: Path = ROOT) -> list[str]:
    found = []
    for module, path in modules_of(root).items():
        found.extend(violations(module, path.read_text(encoding="utf-8"), layers, path.name == "__init__.py"))
    return found


def architecture_layers(path: Path = ROOT / "ARCHITECTURE.md") -> list[str]:
    """The first column of ARCHITECTURE.md's layer table, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("| layer | modules | may import |") + 2  # after the header and its rule
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line.split("|")[1].strip())
    return rows
