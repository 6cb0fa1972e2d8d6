"""``pytest --oauth-test`` where engineers are: a fresh project with its own venv, and the harness's checkout.

The project's venv is made fast: ``python -m venv --without-pip`` from the base interpreter, a ``.pth`` line
that lets it see this harness venv's site-packages (every dependency, already installed), then this venv's
pip installs the checkout into it with ``--no-deps`` (``pip --python``). The install is a real, non-editable
one, so the test sees the wheel's layout (``harness.fixtures``, no top-level ``fixtures``) in seconds instead
of a minute of downloads.
"""

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.live, pytest.mark.slow]
BUNDLED = ROOT / "harness" / "targets"
OWN_TEST = '''import sys
import fixtures
import scenarios


def test_own_packages_are_the_projects():
    assert fixtures.OWN == "project" and scenarios.OWN == "project"
    assert not any(name == "fixtures.session" or name == "scenarios.test_oauth" for name in sys.modules)
'''


def make_venv(project: Path) -> Path:
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(project / ".venv")], check=True)
    python = project / ".venv" / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "harness-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--no-build-isolation", str(ROOT)], check=True, capture_output=True)
    return project / ".venv" / "bin"


def make_project(tmp_path: Path) -> Path:
    project = tmp_path / "shop"
    project.mkdir()
    shutil.copy(BUNDLED / "reference_target.py", project / "service.py")
    for helper in BUNDLED.glob("*.py"):  # the modules it imports: every one that is not a target
        if not helper.name.endswith("_target.py") and helper.name != "__init__.py":
            shutil.copy(helper, project / helper.name)
    for own in ("fixtures", "scenarios"):
        (project / own).mkdir()
        (project / own / "__init__.py").write_text('OWN = "project"\n')
    (project / "tests").mkdir()
    (project / "tests" / "test_own.py").write_text(OWN_TEST)
    (project / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "0"\n\n'
                                            '[tool.pytest.ini_options]\npythonpath = ["."]\n')
    return project


def run(bin_dir: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=project, capture_output=True, text=True,
                          timeout=600)


def test_init_then_bare_oauth_test_in_a_fresh_project(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    bin_dir = make_venv(project)
    assert run(bin_dir, project, "harness", "init").returncode == 0
    done = run(bin_dir, project, "python", "-m", "pytest", "--oauth-test", "--services", "external",
               "--report-dir", "out", "tests")
    assert "7 passed" in done.stdout, done.stdout[-3000:]  # the six OAuth checks and the project's own test
    verdict = json.loads(next((project / "out").glob("*/report.json")).read_text())["verdict"]
    assert (verdict, done.returncode) == ("pass", 0)
    quiet = run(bin_dir, project, "python", "-m", "pytest", "-q", "-W", "error")
    assert quiet.returncode == 0 and "1 passed" in quiet.stdout and "harness" not in quiet.stdout


def test_no_webhook_is_one_line_and_not_a_pass(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    bin_dir = make_venv(project)
    assert run(bin_dir, project, "harness", "init").returncode == 0
    (project / "worker.py").write_text("from service import celery_app  # the worker alone, no webhook\n")
    text = (project / "pyproject.toml").read_text().replace('webhook_app = "service:app"', "")
    (project / "pyproject.toml").write_text(text.replace('"service:celery_app"', '"worker:celery_app"'))
    done = run(bin_dir, project, "python", "-m", "pytest", "--oauth-test", "--services", "external")
    lines = [line for line in done.stdout.splitlines() if line.startswith("harness: nothing was tested")]
    assert done.returncode == 5 and len(lines) == 1, done.stdout[-3000:]
    assert "webhook" in lines[0]


@pytest.mark.parametrize("target,code,needles", [
    ("seed", 1, ("client_credentials", "items:read items:write")),
    ("reference", 0, ("6 passed",)),
])
def test_oauth_test_in_the_checkout(target: str, code: int, needles: tuple[str, ...]) -> None:
    done = subprocess.run([sys.executable, "-m", "pytest", "--oauth-test", "--target", target, "--services",
                           "external", "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == code, done.stdout[-3000:]
    assert all(n in done.stdout for n in needles)
    assert "tests/" not in done.stdout  # no self-test collected
