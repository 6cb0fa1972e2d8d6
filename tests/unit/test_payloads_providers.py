"""Faker providers, content pools, byte blocks and Hypothesis profiles."""

from __future__ import annotations

import re

import pytest
from hypothesis import settings

from harness.payloads import builders
from harness.payloads.blocks import BLOCK_BYTES, Unpacker
from harness.payloads.hypothesis_profiles import register_profiles
from harness.payloads.pools import EDGE_TEXTS, content_pools
from harness.payloads.providers import make_faker


def test_provider_identifiers_have_mondays_shapes() -> None:
    fake = make_faker(seed=7)
    for _ in range(50):
        assert re.fullmatch(r"[0-9a-f]{32}", fake.trigger_uuid())
        assert re.fullmatch(r"#[0-9a-f]{6}", fake.hex_colour())
        assert re.fullmatch(r"#[0-9A-F]{6}", fake.hex_colour(upper=True))
        assert len(str(fake.monday_id())) == 10
        assert re.fullmatch(r"topics|new_group_[a-z0-9]{8}", fake.monday_group_id())
        assert re.fullmatch(r"https://github\.com/[a-z0-9-]+/[a-z-]+", fake.github_repo_url())
        assert re.fullmatch(r"(feature|fix|test|refactor|docs)/[a-z0-9-]+", fake.branch_name())
    assert fake.branch_name("fix").startswith("fix/")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_tasks_are_coherent(lang: str) -> None:
    fake = make_faker(seed=11)
    for _ in range(50):
        task = fake.dev_task(lang=lang)
        assert task.language == lang
        assert task.title and task.description and task.acceptance_criteria
        assert task.task_type in {"Feature", "Bug", "Test", "Refactor", "Documentation"}
        assert task.priority in {"Low", "Medium", "High", "Critical"}
        assert "{" not in task.title + task.description + task.acceptance_criteria + task.branch_name


def test_french_tasks_read_as_french() -> None:
    titles = [make_faker(seed=s).task_title("fr") for s in range(30)]
    assert any(re.search(r"[éèàç]|\b(le|la|du|de)\b", t) for t in titles)


def test_seeded_fakers_repeat() -> None:
    assert make_faker(seed=3).dev_task() == make_faker(seed=3).dev_task()


def test_pools_are_built_once_and_hold_both_languages() -> None:
    pools = content_pools()
    assert pools is content_pools()
    assert {t.language for t in pools.tasks} == {"fr", "en"}
    assert set(EDGE_TEXTS) <= set(pools.edge_texts)
    assert not any(0xD800 <= ord(c) <= 0xDFFF for text in pools.edge_texts for c in text)


def test_unpacker_reads_bounded_digits() -> None:
    u = Unpacker(7 + 10 * 3)
    assert u.below(10) == 7
    assert u.between(5, 9) == 8
    assert u.below(1000) == 0
    assert not Unpacker(0).chance(4)
    assert Unpacker(3).chance(4)


@pytest.mark.parametrize("build", [*builders.MONDAY_BUILDERS, builders.document, builders.challenge, builders.any_body])
def test_blocks_hold_enough_entropy_for_every_builder(build: object) -> None:
    u = Unpacker.from_bytes(b"\xff" * BLOCK_BYTES)
    assert callable(build)
    build(u)
    assert u.remaining > 0, "the block is too small: the last fields would always be minimal"


def test_minimal_block_builds_minimal_bodies() -> None:
    for build in builders.MONDAY_BUILDERS:
        event = build(Unpacker(0))
        assert event.original_trigger_uuid is None
        assert event.trigger_uuid == "0" * 32


def test_profiles_register() -> None:
    register_profiles()
    ci = settings.get_profile("ci")
    thorough = settings.get_profile("thorough")
    assert ci.derandomize and ci.database is None and ci.print_blob and ci.deadline is None
    assert thorough.max_examples == 10_000
    assert thorough.derandomize and thorough.database is None


def test_payloads_never_import_test_or_load_tools() -> None:
    import harness.payloads.corpus
    import harness.payloads.factory
    import harness.payloads.signers
    import harness.payloads.strategies  # noqa: F401

    assert not _payload_imports() & {"pytest", "_pytest", "locust", "harness"}


def _payload_imports() -> set[str]:
    import ast
    import pathlib

    from harness import payloads

    roots: set[str] = set()
    for path in pathlib.Path(payloads.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                roots.add(node.module.split(".")[0])
    return roots
