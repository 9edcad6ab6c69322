"""``OUT/portfolio.html`` and ``OUT/portfolio.json``: the portfolio's page and its figures for other tools."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jinja2

from kaplan.documents.render import render_template
from kaplan.site.pages import AccountSummary, SiteView
from kaplan.site.portfolio.view import Figures, PortfolioView

FORMAT = 1
REVIEW_DAYS = 90  # "what moved" looks back a quarter unless told a date or revision


def portfolio_view(
    site: SiteView, today: dt.date, since: dt.date | None, currency: str, pack: bool
) -> PortfolioView:
    """The portfolio of the site's accounts, as of ``today``, telling what moved from ``since`` on."""
    return PortfolioView(
        site.title,
        site.brand,
        site.labels,
        site.audience,
        site.accounts,
        site.failed,
        site.unbuilt,
        today=today,
        since=since or today - dt.timedelta(days=REVIEW_DAYS),
        currency=currency,
        pack=pack,
    )


def portfolio_files(out: Path, view: PortfolioView, env: jinja2.Environment) -> dict[Path, bytes]:
    """The portfolio's page and JSON, by path."""
    html = render_template(env, "portfolio.html", s=view, L=view.labels)
    return {
        out / "portfolio.html": html.encode("utf-8"),
        out / "portfolio.json": portfolio_json(view).encode("utf-8"),
    }


def portfolio_json(view: PortfolioView) -> str:
    """The portfolio's figures as JSON (sorted keys, the same bytes for the same plans)."""
    ranked = {r.account.id: r for r in view.ranking()}
    accounts = [_account(a, view, ranked.get(a.id)) for a in sorted(view.accounts, key=lambda a: a.id)]
    data = {
        "format": FORMAT,
        "title": view.title,
        "audience": view.audience,
        "today": view.today.isoformat(),
        "since": view.since.isoformat(),
        "currency": view.currency,
        "accounts": accounts,
        "totals": {
            "accounts": len(view.accounts),
            "pipeline": _money(view.totals()),
            "forecast": _money(view.forecast_totals()),
            "by_stage": [{"stage": n, "label": label, **_figures(f)} for n, label, f in view.by_stage()],
            "by_owner": [{"owner": name, **_figures(f)} for name, f in view.by_owner()],
            "by_tier": [{"tier": name, **_figures(f)} for name, f in view.by_tier()],
            "rules": [{"code": g.code, "accounts": len(g.accounts)} for g in view.rules()],
            "dates": {str(w): len(d) for w, d in view.ahead()},
            "moved": len(view.moved()),
        },
    }
    # Compact: with an indent, json falls back from its C encoder (a 1.3 MB file took 0.4 s).
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _account(a: AccountSummary, view: PortfolioView, ranked: Any) -> dict[str, Any]:
    facts = a.facts
    currency = facts.currency if facts else view.currency
    pipeline, forecast = a.pipeline(), a.forecast()
    others = sorted((set(pipeline) | set(forecast)) - {currency})
    today = view.today.isoformat()
    return {
        "id": a.id,
        "name": a.name,
        "owner": a.owner,
        "tier": a.tier,
        "status": a.status,
        "health": a.health_score,
        "rag": a.health_rag,
        "currency": currency,
        "pipeline": round(pipeline.get(currency, 0.0), 2),
        "forecast": round(forecast.get(currency, 0.0), 2),
        "other_currencies": {
            c: {"pipeline": round(pipeline.get(c, 0.0), 2), "forecast": round(forecast.get(c, 0.0), 2)}
            for c in others
        },
        "open_projects": len(a.open_projects),
        "exposure": round(ranked.exposure, 2) if ranked else 0,
        "risk": ranked.risk if ranked else None,
        "page": a.html,
        "next_dates": [{"kind": e.kind, "date": e.day, "ref": e.ref} for e in a.events if e.day >= today],
        "history": [
            {"commit": p.commit, "date": p.date, "health": p.health, "forecast": p.forecast}
            for p in (facts.trend if facts else [])
        ],
        "findings": dict(facts.findings) if facts else {},
        "notes": dict(facts.notes) if facts else {},
        "coverage": dict(facts.coverage) if facts else {},
        "moves": [
            {"date": m.date, "kind": m.kind, "message": m.message} for m in (facts.moves if facts else [])
        ],
    }


def _figures(f: Figures) -> dict[str, Any]:
    return {
        "accounts": f.accounts,
        "projects": f.projects,
        "pipeline": _money(f.pipeline),
        "forecast": _money(f.forecast),
        "health": f.mean_health,
    }


def _money(values: dict[str, float]) -> dict[str, float]:
    return {c: round(v, 2) for c, v in sorted(values.items())}
