"""Coaching rules on freshness: plan reviews, stalled projects, overdue actions and decision steps."""

from __future__ import annotations

from collections.abc import Iterator

from kaplan.coach.base import Context, Hit, Rule, days_text, registrar
from kaplan.plan.meaning import is_overdue, is_stale, stage_label
from kaplan.plan.yaml12 import PathKey

RULES: list[Rule] = []
rule = registrar(RULES)


@rule(
    "stale-review",
    "warning",
    "freshness",
    "plan.reviewed older than review_every_days (or none)",
    "Miller Heiman Gold Sheet (regular plan reviews)",
)
def stale_review(ctx: Context) -> Iterator[Hit]:
    meta = ctx.plan.plan
    if is_stale(ctx.plan, ctx.today):
        if meta.reviewed is None:
            path: PathKey = ("plan",) if "plan" in ctx.plan.model_fields_set else ()
            yield Hit(
                path,
                "the plan has never been reviewed: review it with your manager and set `plan.reviewed`",
                "计划从未评审过：与主管一起评审，并填写 `plan.reviewed`",
            )
        else:
            days = (ctx.today - meta.reviewed).days
            yield Hit(
                ("plan", "reviewed"),
                f"last reviewed {days_text(days)} ago (every {meta.review_every_days} days is the rhythm): "
                "an unreviewed plan drifts from reality; book the review",
                f"距上次评审已 {days} 天（应每 {meta.review_every_days} 天评审一次）：计划不评审就会脱离实际，尽快安排评审",
            )


@rule(
    "stalled-project",
    "warning",
    "freshness",
    "open project whose stage_since (else its latest history date) is older than 90 days; silent "
    "without either, and silent while its `timeline.need_by` is more than 180 days after today",
    "seed article (8-stage buying process); Miller Heiman (pipeline velocity)",
)
def stalled_project(ctx: Context) -> Iterator[Hit]:
    for i, p in ctx.open_projects():
        need_by = p.timeline.need_by if p.timeline is not None else None
        if need_by is not None and ctx.days_after(need_by) > 180:
            continue  # a project needed in more than half a year may rightly wait at its stage
        since = p.stage_since or (max(h.on for h in p.history) if p.history else None)
        if since is not None and ctx.older_than(since, 90):
            days = (ctx.today - since).days
            key = "stage_since" if p.stage_since else "history"
            yield Hit(
                ("projects", i, key),
                f"stuck at stage {p.stage} ({stage_label(p.stage, 'en')}) for {days_text(days)}: find out what "
                "blocks the next step, or admit the project has gone quiet",
                f"停在第 {p.stage} 阶段（{stage_label(p.stage, 'zh')}）已 {days} 天：弄清是什么卡住了下一步，"
                "或者承认项目已经搁置",
            )


@rule(
    "overdue-action",
    "warning",
    "freshness",
    "action open with due before today",
    "account-plan discipline: actions have owners and dates",
)
def overdue_action(ctx: Context) -> Iterator[Hit]:
    for i, a in enumerate(ctx.plan.actions):
        if a.due is not None and is_overdue(a, ctx.today):
            days = (ctx.today - a.due).days
            yield Hit(
                ("actions", i, "due"),
                f"“{a.what}” was due {days_text(days)} ago: do it, re-date it, or drop it",
                f"“{a.what}”已逾期 {days} 天：马上执行、重新定日期，或者放弃",
                at_value=True,
            )


@rule(
    "decision-step-overdue",
    "warning",
    "freshness",
    "`decision_process` step of an open project with status planned and `by` before today",
    "MEDDPICC (Decision process); Miller Heiman Green Sheet (confirm the process)",
)
def decision_step_overdue(ctx: Context) -> Iterator[Hit]:
    people = ctx.people()
    for i, p in ctx.open_projects():
        for k, step in enumerate(p.decision_process):
            if step.status != "planned" or step.by is None or step.by >= ctx.today:
                continue
            days = -ctx.days_after(step.by)
            owner = people.get(step.owner) if step.owner is not None else None
            ask_en = owner.name if owner is not None else "our coach"
            ask_zh = owner.name if owner is not None else "内部教练"
            yield Hit(
                ("projects", i, "decision_process", k, "by"),
                f"the step “{step.step}” of “{p.name}” was due {days_text(days)} ago ({step.by}) and is "
                f"still planned: ask {ask_en} whether it happened, then mark it done, or slipped with a "
                "new date",
                f"“{p.name}”的“{step.step}”环节原定 {step.by} 完成，已过去 {days} 天仍是计划状态："
                f"向{ask_zh}问清是否已经完成，再标为 done，或标为 slipped 并写上新日期",
                at_value=True,
            )
