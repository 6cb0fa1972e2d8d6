"""Faker providers of realistic AI-Agent task content and Monday-like identifiers.

>>> fake = make_faker(seed=1)
>>> task = fake.dev_task(lang="fr")
>>> task.branch_name.split("/")[0] in {"feature", "fix", "test", "refactor", "docs"}
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from faker import Faker
from faker.providers import BaseProvider

from .vocabulary import (
    COMPONENTS,
    ENDPOINTS,
    GROUPS,
    OAUTH_PROVIDERS,
    PRIORITIES,
    REPO_NAMES,
    SERVICES,
    STATUS_LABELS,
    TASK_TEMPLATES,
    StatusLabelSpec,
    TaskTemplate,
)

__all__ = ["DevTask", "MondayProvider", "TaskProvider", "make_faker"]

LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class DevTask:
    """A development task as the AI-Agent receives it from a Monday item."""

    language: str
    task_type: str
    priority: str
    title: str
    description: str
    acceptance_criteria: str
    branch_name: str
    repository_url: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class MondayProvider(BaseProvider):
    """Identifiers shaped like Monday's: numeric ids, trigger uuids, groups, colours."""

    def monday_id(self, digits: int = 10) -> int:
        """A numeric board/item/user id with ``digits`` digits (Monday's are 9-11)."""
        return self.random_int(10 ** (digits - 1), 10**digits - 1)

    def trigger_uuid(self) -> str:
        """A ``triggerUuid``: 32 lowercase hex characters."""
        return self.hexify("^" * 32)

    def hex_colour(self, upper: bool = False) -> str:
        """A ``#rrggbb`` colour."""
        return "#" + self.hexify("^" * 6, upper=upper)

    def monday_group_id(self) -> str:
        """A group id: ``topics`` or a generated ``new_group_xxxxxxxx``."""
        if self.random_int(0, 3) == 0:
            return "topics"
        return "new_group_" + self.lexify("????????", letters="abcdefghijklmnopqrstuvwxyz0123456789")

    def monday_group(self) -> tuple[str, str]:
        """A (group id, group title) pair from a dev board."""
        return self.random_element(GROUPS)

    def status_label(self) -> StatusLabelSpec:
        """A status label with Monday's colour styling."""
        return self.random_element(STATUS_LABELS)


class TaskProvider(BaseProvider):
    """Development tasks in French or English, with coherent branch and repository."""

    def task_language(self) -> str:
        """``fr`` or ``en``."""
        return self.random_element(LANGUAGES)

    def github_repo_url(self) -> str:
        """``https://github.com/<owner>/<repo>``."""
        owner = _slug(self.generator.user_name()) or "team"
        return f"https://github.com/{owner}/{self.random_element(REPO_NAMES)}"

    def branch_name(self, kind: str | None = None) -> str:
        """A branch such as ``feature/oauth2-google`` or ``fix/login-form-mobile-layout``."""
        task = self.dev_task()
        if kind is None:
            return task.branch_name
        return kind + "/" + task.branch_name.split("/", 1)[1]

    def task_title(self, lang: str | None = None) -> str:
        """A Monday item name for a dev task."""
        return self.dev_task(lang).title

    def dev_task(self, lang: str | None = None) -> DevTask:
        """A coherent task: title, description, criteria, branch and repository agree."""
        language = lang or self.task_language()
        template: TaskTemplate = self.random_element(TASK_TEMPLATES)
        slots = self._slots(template)
        fr = language == "fr"
        return DevTask(
            language=language,
            task_type=template.task_type,
            priority=self.random_element(PRIORITIES),
            title=(template.title_fr if fr else template.title_en).format(**slots),
            description=(template.description_fr if fr else template.description_en).format(**slots),
            acceptance_criteria=(template.criteria_fr if fr else template.criteria_en).format(**slots),
            branch_name=template.branch.format(**slots),
            repository_url=self.github_repo_url(),
        )

    def _slots(self, template: TaskTemplate) -> dict[str, Any]:
        subject = self.random_element(COMPONENTS if template.subject == "component" else SERVICES)
        colour = "#" + self.hexify("^^^^^^", upper=True)
        provider = self.random_element(OAUTH_PROVIDERS)
        endpoint = self.random_element(ENDPOINTS)
        return {
            **subject._asdict(),
            "colour": colour,
            "colour_slug": colour[1:].lower(),
            "old_colour": "#" + self.hexify("^^^^^^", upper=True),
            "provider": provider,
            "provider_slug": _slug(provider),
            "endpoint": endpoint,
            "endpoint_slug": _slug(endpoint),
            "requester": self.generator.name(),
        }


def make_faker(seed: int | None = None, locales: tuple[str, ...] = ("fr_FR", "en_US")) -> Faker:
    """A Faker with both providers; seeded (``seed_instance``) when ``seed`` is given."""
    fake = Faker(list(locales))
    for locale in fake.locales:
        fake[locale].add_provider(MondayProvider)
        fake[locale].add_provider(TaskProvider)
    if seed is not None:
        fake.seed_instance(seed)
    return fake
