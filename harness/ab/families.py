"""Rows the harness's checks decide: one answer from a family of checks on both brokers.

n/a is neither a win nor a loss: a check that cannot apply on one broker is left out of the count. It is
evidence about capability only when the feature it checks is the row's subject (``Family.features``), and
then only when the other broker showed the feature working (the check passed there); the answer says so
in words ("Redis has no dead-letter exchange"). Every other n/a check is listed as not compared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.ab.explain import explanation
from harness.ab.sides import Row
from harness.ab.verdicts import (
    CONFIRMED,
    NOT_WORKING,
    PARTLY,
    TIE,
    Answer,
    agreed_winner,
    by_winner,
    name,
    unmeasured,
)

RAN = ("passed", "failed", "error")


@dataclass(frozen=True)
class Family:
    prefixes: tuple[str, ...]  # the checks of the row, by id prefix
    what: str
    features: Mapping[str, str] = field(default_factory=dict)  # the row's subject: check id -> "{broker} has no ..."
    works: tuple[str, ...] = ()  # the checks that show the row's feature working end to end (default: all)


@dataclass(frozen=True)
class Feature:
    """A feature of the row's subject shown on one broker and absent from the other."""

    winner: str
    words: str
    check: dict[str, Any]


def family_answer(rows: list[Row], brokers: tuple[str, str], family: Family, claimed: str,
                  marked_absent: frozenset[str] = frozenset(), extra: tuple[Feature, ...] = ()) -> Answer:
    """The answer of one question from ``rows`` (one run per broker) and features shown by other means."""
    mine = [r for r in rows if r.check.startswith(family.prefixes)]
    common = [r for r in mine if ran_on_both(r, brokers)]
    features = (*absent_features(mine, brokers, family), *extra)
    if not common and not features:
        return unmeasured(brokers, f"{family.what}: no check of this row ran on both brokers"
                          + (f" ({len(mine)} ran on one, or were skipped)" if mine else ""))
    winner = agreed_winner(common_winner(common, brokers), *(f.winner for f in features))
    verdict, said = by_winner(claimed, winner), evidence(family, mine, common, features, brokers)
    if broken := working_checks_failed(common, family, brokers):
        verdict, winner = NOT_WORKING, TIE  # it works on neither: no broker wins
        said = f"{family.what}: not working on either broker: {_failures(broken, brokers)}; " + said.removeprefix(
            f"{family.what}: ")
    elif verdict == CONFIRMED and (shown := [b for b in sorted(marked_absent) if passed_any(common, b)]):
        verdict = PARTLY
        said += "; " + "; ".join(f"the claim marks {name(b)} ❌, yet it passed checks of this row" for b in shown)
    return Answer(verdict, winner, {b: tally_words(mine, common, b) for b in brokers}, said.rstrip("; "),
                  [*(check_line(r, brokers, _counted(r, common, features)) for r in mine),
                   *(f.check for f in extra)])


def working_checks_failed(common: list[Row], family: Family, brokers: tuple[str, str]) -> list[Row]:
    """The checks that show the feature working, when every one of them that ran on both failed on both."""
    essential = [r for r in common if r.check in family.works] or common
    return [] if any(r.outcomes[b].status == "passed" for r in essential for b in brokers) else essential


def ran_on_both(row: Row, brokers: tuple[str, str]) -> bool:
    return all(row.outcomes[b].status in RAN for b in brokers)


def passed_any(common: list[Row], broker: str) -> bool:
    return any(r.outcomes[broker].status == "passed" for r in common)


def common_winner(common: list[Row], brokers: tuple[str, str]) -> str | None:
    """The broker passing more of the checks both ran; a tie when they pass as many; None when none ran."""
    if not common:
        return None
    passed = {b: sum(r.outcomes[b].status == "passed" for r in common) for b in brokers}
    first, second = brokers
    if passed[first] == passed[second]:
        return TIE
    return name(first if passed[first] > passed[second] else second)


def absent_features(rows: list[Row], brokers: tuple[str, str], family: Family) -> list[Feature]:
    """The row's subject features that cannot apply on one broker and passed on the other."""
    found = []
    for row in rows:
        words = family.features.get(row.check)
        for absent, other in (brokers, brokers[::-1]):
            if words and row.outcomes[absent].status == "n/a" and row.outcomes[other].status == "passed":
                said = words.format(broker=name(absent))
                found.append(Feature(name(other), said, check_line(row, brokers, "feature")))
    return found


def _counted(row: Row, common: list[Row], features: tuple[Feature, ...]) -> str:
    if row in common:
        return "both"
    return "feature" if any(f.check["check"] == f"{row.check} [{row.subject}]" for f in features) else "not compared"


def check_line(row: Row, brokers: tuple[str, str], counted: str) -> dict[str, Any]:
    return {"check": f"{row.check} [{row.subject}]", **{b: row.outcomes[b].status for b in brokers},
            "counted": counted}


def tally_words(mine: list[Row], common: list[Row], broker: str) -> str:
    passed = sum(r.outcomes[broker].status == "passed" for r in common)
    na = sum(r.outcomes[broker].status == "n/a" for r in mine)
    return f"{passed} passed, {len(common) - passed} failed of {len(common)} run on both" + (
        f"; {na} n/a (not counted)" if na else "")


def evidence(family: Family, mine: list[Row], common: list[Row], features: tuple[Feature, ...],
             brokers: tuple[str, str]) -> str:
    parts = [f"{family.what}: {_common_words(common, brokers)}"]
    parts += [f"{f.words} ({f.check['check']}: {_statuses(f.check, brokers)})" for f in features]
    labels = {f.check["check"] for f in features}
    aside = Counter(f"{r.check} ({_statuses(check_line(r, brokers, ''), brokers)})" for r in mine
                    if r not in common and f"{r.check} [{r.subject}]" not in labels)
    if aside:
        parts.append("not compared (n/a, skipped or absent on a broker, not this row's subject): "
                     + ", ".join(f"{said}" if n == 1 else f"{n}× {said}" for said, n in aside.items()))
    return "; ".join(parts)


def _failures(rows: list[Row], brokers: tuple[str, str]) -> str:
    """Each check with what its finding said on each broker."""
    return ", ".join(f"{r.check} [{r.subject}] ({_said(r, brokers)})" for r in rows)


def _said(row: Row, brokers: tuple[str, str]) -> str:
    return "; ".join(f"{b}: {row.outcomes[b].status}" + (f", {titles}" if (titles := _titles(row, b)) else "")
                     for b in brokers)


def _titles(row: Row, broker: str) -> str:
    return "; ".join(dict.fromkeys(str(f.get("title", "")) for f in row.outcomes[broker].findings))


def _common_words(common: list[Row], brokers: tuple[str, str]) -> str:
    if not common:
        return "no check ran on both brokers"
    passed = {b: sum(r.outcomes[b].status == "passed" for r in common) for b in brokers}
    counts = f"{len(common)} checks ran on both, " + ", ".join(f"{name(b)} passed {n}" for b, n in passed.items())
    differ = [r for r in common if len({r.outcomes[b].status == "passed" for b in brokers}) == 2]
    if not differ:
        return f"{counts} (the same on both)"
    return f"{counts}; they differ on " + ", ".join(f"{r.check} [{r.subject}] ({_said(r, brokers)}"
                                                     + (f"; why: {why}" if (why := explanation(r.check)) else "")
                                                     + ")" for r in differ)


def _statuses(check: dict[str, Any], brokers: tuple[str, str]) -> str:
    return ", ".join(f"{check[b]} on {b}" for b in brokers)
