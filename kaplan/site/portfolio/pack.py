"""``OUT/portfolio.pdf``: the review pack. The portfolio's pages, then one account on a page per account
in the order of the ranking (the accounts without an open pipeline after them, by name), bookmarked.

The pack is rendered again only when one of its inputs changed: its key is made of the summary keys
of its accounts (each covers the plan's bytes, its git history, the theme, kaplan.yaml, the audience
and the day) and the review date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from kaplan.coach.check import check_plan
from kaplan.config import Workspace
from kaplan.documents.pdf import render_pdf
from kaplan.documents.render import render_template
from kaplan.documents.theme import Theme
from kaplan.documents.views import DocumentView, build_view
from kaplan.files import write_atomic
from kaplan.plan import Audience
from kaplan.plan.audience import for_audience
from kaplan.site.cache import Output, digest_of, file_identity, trusted
from kaplan.site.pages import AccountSummary
from kaplan.site.portfolio.view import PortfolioView
from kaplan.site.tasks import with_trend

PACK = "portfolio.pdf"


def pack_order(view: PortfolioView) -> list[AccountSummary]:
    """The accounts in the pack's order: the ranking, then the others by name."""
    ranked = [r.account for r in view.ranking()]
    seen = {a.id for a in ranked}
    return ranked + [a for a in view.accounts if a.id not in seen]


def pack_key(accounts: Sequence[AccountSummary], summary_keys: Mapping[str, str], view: PortfolioView) -> str:
    """What the pack is made from: each account's summary key, in the pack's order, and the review date."""
    digest = hashlib.sha256(f"pack\0{view.since.isoformat()}\0{view.currency}".encode())
    for a in accounts:
        digest.update(f"\0{a.id}\0{summary_keys.get(a.id, '')}".encode())
    return digest.hexdigest()


def account_views(
    accounts: Sequence[AccountSummary],
    paths: Mapping[str, tuple[Path, str]],
    project: Workspace,
    view: PortfolioView,
    audience: Audience,
) -> list[DocumentView]:
    """The account-page view of each account whose plan is in this build (and still valid)."""
    views = []
    for a in accounts:
        if a.id not in paths:
            continue
        path, shown = paths[a.id]
        checked = check_plan(path, shown, project, view.today)
        plan = checked.loaded.plan
        if plan is None or not checked.loaded.ok:
            continue
        filtered = for_audience(plan, audience)
        account = build_view(filtered, a.id, project, view.today, checked.findings, checked.health)
        trend = a.facts.trend if a.facts else []
        account.charts = with_trend(account.charts, trend, account.locale, project.config.brand)
        views.append(account)
    return views


def render_pack(view: PortfolioView, accounts: Sequence[DocumentView], theme: Theme) -> bytes:
    """The review pack's PDF bytes."""
    view.in_pack = True
    try:
        html = render_template(theme.env, "portfolio_pack.html", s=view, L=view.labels, views=accounts)
    finally:
        view.in_pack = False
    return render_pdf(html, theme)


def write_pack(
    out: Path,
    view: PortfolioView,
    plans: Mapping[str, tuple[Path, str, str]],
    project: Workspace,
    theme: Theme,
    audience: Audience,
    before: Output | None,
) -> Output:
    """Write ``OUT/portfolio.pdf`` unless the one there (``before``) was made from the same inputs;
    its record. ``plans`` gives each account's plan file, its name as shown, and its summary key."""
    accounts = pack_order(view)
    key = pack_key(accounts, {i: p[2] for i, p in plans.items()}, view)
    path = out / PACK
    if before is not None and trusted(path, before, audience, key):
        return before
    views = account_views(accounts, {i: (p[0], p[1]) for i, p in plans.items()}, project, view, audience)
    data = render_pack(view, views, theme)
    write_atomic(path, data)
    return Output(key, audience, digest_of(data), file_identity(path))
