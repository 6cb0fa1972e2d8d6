"""Shared by the faulty targets: load the reference target, so each fault is the only difference."""

import importlib
import pathlib
import sys

BUNDLED = pathlib.Path(__file__).resolve().parents[2] / "harness" / "targets"


def reference():
    if str(BUNDLED) not in sys.path:
        sys.path.insert(0, str(BUNDLED))
    return importlib.import_module("reference_target")
