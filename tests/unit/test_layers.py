"""The layer rules of ARCHITECTURE.md hold on the tree, and the checker catches each kind of breach."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.layering import ROOT, architecture_layers, load_layers, modules_of, tree_violations, violations

LAYERS = load_layers()
WATCHED = ("pytest", "_pytest", "locust", "gevent")


def test_every_module_keeps_to_the_rules_of_its_layer() -> None:
    assert tree_violations(LAYERS) == []


def test_architecture_md_names_the_layers_of_layers_toml_in_the_same_order() -> None:
    assert architecture_layers() == [layer.name for layer in LAYERS.layers]


def test_importing_any_module_below_the_entry_points_loads_neither_pytest_nor_locust() -> None:
    """What the checker cannot see: a library that loads pytest or gevent when it is imported."""
    below = [module for module, layer in ((m, LAYERS.of(m)) for m in modules_of())
             if layer is not None and not layer.entry_point and not LAYERS.imports_locust(module)]
    program = ("import importlib, json, sys\n"
               "for name in sys.argv[1:]:\n    importlib.import_module(name)\n"
               f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {WATCHED!r})))")
    result = subprocess.run([sys.executable, "-c", program, *below], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=True)
    assert json.loads(result.stdout) == []


BREACHES = {
    "a probe importing a service": ("harness.probes.fake", "from harness.services.base import Services\n",
                                    "imports harness.services.base (services)"),
    "a probe importing the session inside a function": (
        "harness.probes.fake", "def tap():\n    import harness.session\n", "imports harness.session (session)"),
    "a relative import upwards": ("harness.probes.fake", "from ..services import isolation\n",
                                  "imports harness.services.isolation (services)"),
    "a check importing pytest": ("harness.checks.fake", "import pytest\n", "imports pytest"),
    "a report writer importing _pytest": ("harness.report.fake", "from _pytest.nodes import Item\n",
                                          "imports _pytest"),
    "a load module importing gevent": ("harness.load.stats.summary_fake", "import gevent\n", "imports gevent"),
    "a module named locust_ outside the Locust package": ("harness.load.stats.locust_fake", "import gevent\n",
                                                          "imports gevent"),
    "payloads importing the harness": ("payloads.fake", "from harness.findings import Finding\n",
                                       "imports harness.findings (core)"),
    "a load module reading os.environ": ("harness.load.fake", "import os\nURL = os.environ['URL']\n",
                                         "reads os.environ"),
    "a load module calling os.getenv": ("harness.load.fake", "import os\ndef url():\n    return os.getenv('URL')\n",
                                        "reads os.getenv"),
    "a launch module reading the working directory": (
        "harness.launch.fake", "from pathlib import Path\nROOT = Path.cwd()\n", "reads Path.cwd"),
    "a ledger module calling os.getcwd": ("harness.ledger.fake", "import os\nHERE = os.getcwd()\n",
                                          "reads os.getcwd"),
    "a probe importing environ from os": ("harness.probes.fake", "from os import environ\n",
                                          "imports os.environ"),
    "a load module loading the configuration": ("harness.load.fake", "from harness.config import load_config\n",
                                                "imports load_config"),
    "a module in no layer": ("harness.elsewhere.fake", "", "in no layer"),
}


@pytest.mark.parametrize(("module", "source", "expected"), BREACHES.values(), ids=BREACHES.keys())
def test_the_checker_reports(module: str, source: str, expected: str) -> None:
    found = violations(module, source, LAYERS)
    assert any(expected in line for line in found), found


def test_the_checker_reports_locust_in_an_entry_point_outside_the_locust_modules() -> None:
    found = violations("harness.cli", "import gevent.monkey\n", LAYERS)
    assert found == ["harness.cli:1 (entry points) imports gevent: only the Locust modules do"]


ALLOWED = {
    "a check using a probe and the session": (
        "harness.checks.fake", "from harness.probes.tap import Tap\nfrom harness.session import Session\n"),
    "a load module using the ledger": ("harness.load.fake", "from harness.ledger.records import Delivery\n"),
    "the locust glue importing gevent": ("harness.load.locust.fake", "import gevent\nimport locust.stats\n"),
    "a locustfile importing Locust": ("scenarios.locust_fake", "from locust import events\n"),
    "an entry point reading the environment": ("harness.cli", "import os\nfrom pathlib import Path\n"
                                                              "ENV, HERE = dict(os.environ), Path.cwd()\n"),
    "a fixture importing pytest": ("fixtures.fake", "import pytest\n"),
    "a child process given an environment": ("harness.launch.fake",
                                             "import subprocess\ndef start(env):\n"
                                             "    subprocess.Popen(['x'], env=env)\n"),
    "a bundled target reading its own environment": ("harness.targets.fake",
                                                     "import os\nSECRET = os.environ['WEBHOOK_SECRET']\n"),
}


@pytest.mark.parametrize(("module", "source"), ALLOWED.values(), ids=ALLOWED.keys())
def test_the_checker_allows(module: str, source: str) -> None:
    assert violations(module, source, LAYERS) == []
