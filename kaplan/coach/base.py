"""What a coaching rule is: where it fires (:class:`Hit`), what it sees (:class:`Context`), and how
an area module registers its rules (:func:`registrar`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from kaplan.plan.findings import Severity
from kaplan.plan.meaning import last_contacts, older_than
from kaplan.plan.model import Person, Plan, Project
from kaplan.plan.yaml12 import PathKey


@dataclass(frozen=True)
class Hit:
    """Where a rule fires (a path in the plan, at its key or value) and what it says."""

    path: PathKey
    en: str
    zh: str
    at_value: bool = False
    project: str | None = None  # the project it is about; by default the one its path is in


@dataclass(frozen=True)
class Context:
    """What a rule sees: the plan, the day, and helpers.

    Why cached properties: every rule runs on every plan of a portfolio, so what several rules need
    (people by id, last contacts) is computed once per plan, in one pass, never per person × log.
    """

    plan: Plan
    today: dt.date

    @cached_property
    def _people(self) -> dict[str, Person]:
        return {p.id: p for p in self.plan.people}

    def people(self) -> dict[str, Person]:
        """People by id."""
        return self._people

    @cached_property
    def projects(self) -> dict[str, Project]:
        """Projects by id."""
        return {p.id: p for p in self.plan.projects}

    @cached_property
    def last_contacts(self) -> dict[str, dt.date]:
        """Each person's last contact (``last_contact`` or the log, see :func:`~kaplan.plan.meaning.last_contacts`)."""
        return last_contacts(self.plan)

    def open_projects(self) -> Iterator[tuple[int, Project]]:
        """Open projects with their index in the file."""
        for i, project in enumerate(self.plan.projects):
            if project.outcome == "open":
                yield i, project

    def older_than(self, day: dt.date | None, days: int) -> bool:
        """Strictly more than ``days`` days before today (or no date at all)."""
        return older_than(day, days, self.today)

    def days_after(self, day: dt.date) -> int:
        """How many days ``day`` is after today (negative: before)."""
        return (day - self.today).days

    def within(self, day: dt.date | None, days: int) -> bool:
        """``day`` is 0–``days`` days after today, both ends included."""
        return day is not None and 0 <= (day - self.today).days <= days

    @staticmethod
    def in_roles(project: Project, *roles: str) -> list[tuple[int, str]]:
        """The buying-team members of ``project`` in any of ``roles``: (index, person id)."""
        return [(j, m.person) for j, m in enumerate(project.buying_team) if set(roles) & set(m.roles)]


RuleFn = Callable[[Context], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A coaching rule and what kaplan says about it in ``kaplan rules``."""

    code: str
    severity: Severity
    area: str
    meaning: str
    source: str
    check: RuleFn


def registrar(into: list[Rule]) -> Callable[[str, Severity, str, str, str], Callable[[RuleFn], RuleFn]]:
    """A ``@rule(code, severity, area, meaning, source)`` decorator that appends to ``into``.

    Why a list per module: :data:`kaplan.coach.rules.RULES` joins them in an order it names, so the
    order of ``kaplan rules`` and of findings never depends on which module was imported first.
    """

    def rule(
        code: str, severity: Severity, area: str, meaning: str, source: str
    ) -> Callable[[RuleFn], RuleFn]:
        def register(fn: RuleFn) -> RuleFn:
            into.append(Rule(code, severity, area, meaning, source, fn))
            return fn

        return register

    return rule


def days_text(n: int) -> str:
    """``1 day`` or ``N days``."""
    return "1 day" if n == 1 else f"{n} days"
