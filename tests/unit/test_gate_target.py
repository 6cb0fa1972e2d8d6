"""The report and the progress line name the target as given: a module, a file, or a --celery-app reference."""

from __future__ import annotations

from dataclasses import replace

from harness.config import RunOptions, load_config
from harness.gate import given_target, new_report
from harness.launch.spec import TargetSpec
from tests.conftest import ROOT

CONFIG = load_config(ROOT)


def test_the_celery_app_reference_names_the_target_before_it_is_resolved() -> None:
    config = replace(CONFIG, run=RunOptions(celery_app="services.celery_app:celery_app"))
    assert given_target(config) == "services.celery_app:celery_app"
    assert given_target(replace(CONFIG, run=RunOptions(target="tests/targets/x_target.py"))) == (
        "tests/targets/x_target.py")


def test_the_report_is_named_after_the_resolved_spec() -> None:
    spec = TargetSpec("services.celery_app:celery_app", "services.celery_app:celery_app")
    report = new_report(CONFIG, spec, "r1")
    assert report.target == "services.celery_app:celery_app" and report.run_id == "r1"
