"""The managers' dashboard: figures for a view, the items behind each, a CSV export, and
one rep's figures for appraisals. Managers and admins only.

The view (period, team, rep, category, segment) lives in the query string, so every page,
drill-down and export of the same view can be bookmarked and shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from tortoise.queryset import QuerySet

from feedback.models import FeedbackItem
from portal import charts, i18n
from portal.auth import require_role
from portal.clock import utcnow
from portal.models import Role, StaffUser
from portal.templating import is_fragment_request, render
from triage import channel_watch, metrics
from triage.metrics import MetricFilters, parse_metric_filters

PAGE_SIZE = 50


def _links(request: Request, f: MetricFilters) -> dict[str, Callable[..., str]]:
    """URL builders that carry the view along, for the templates."""

    def with_view(route: str, extra: dict[str, str], **path: Any) -> str:
        query = urlencode({**f.query_params(), **{k: v for k, v in extra.items() if v}})
        return f"{request.url_for(route, **path).path}?{query}"

    def drill(figure: str, bucket: object = "") -> str:
        return with_view("dashboard_items", {"figure": figure, "bucket": str(bucket)})

    def export(figure: str = "", bucket: object = "") -> str:
        return with_view("dashboard_export", {"figure": figure, "bucket": str(bucket)})

    def rep(rep_id: int) -> str:
        return with_view("rep_performance", {}, staff_id=rep_id)

    def dashboard(**changes: str) -> str:
        return with_view("dashboard", changes)

    return {"drill": drill, "export": export, "rep_url": rep, "dashboard_url": dashboard}


def _say(notice: metrics.Notice) -> str:
    """A notice in the reader's language, its dates written as the dashboard writes them."""
    params = {
        key: i18n.format_day(value) if isinstance(value, date) else value
        for key, value in notice.params.items()
    }
    return i18n.gettext(notice.message) % params


async def _view(request: Request, today: date) -> tuple[MetricFilters, dict[str, Any]]:
    """The view from the query string, read the same way by every page of the dashboard
    (and the export): unknown teams, reps, categories and segments are ignored and said so.
    Also what the templates need to show it: the filters' choices and the notices."""
    settings = request.app.state.settings
    choices = await metrics.filter_choices(settings.categories, settings.segments)
    f = parse_metric_filters(request.query_params, today, choices)
    return f, {
        "teams": choices.teams,
        "reps": choices.reps,
        "categories": choices.categories,
        "segments": choices.segments,
        "presets": metrics.PRESETS,
        "notices": [_say(n) for n in f.problems],
        "date_error": _say(f.date_error) if f.date_error else "",
    }


def _hours(value: float) -> str:
    return f"{value:,.1f} h"


def _percent(value: float) -> str:
    return f"{value:.0f}%"


def _signed(value: float) -> str:
    return f"{value:+.2f}".replace("+0.00", "0")


def _charts(board: metrics.Dashboard) -> dict[str, Markup]:
    """The pictures; the template puts each one's numbers in a table next to it."""
    f = board.filters
    trend = board.response_trend
    weekly = "week" if not trend or trend[0].weeks == 1 else f"{trend[0].weeks} weeks"
    return {
        "response_trend": charts.line_chart(
            chart_id="chart-response-trend",
            title="Time to first response per week",
            desc=(
                f"Median business hours from receipt to first response, per {weekly} "
                f"received, {i18n.format_day(f.start)} to {i18n.format_day(f.end)}."
            ),
            labels=[i18n.format_day(b.start, year=False) for b in trend],
            series=[charts.Series("Median first response", [b.median_hours for b in trend])],
            value_format=_hours,
        ),
        "compliance": charts.bar_chart(
            chart_id="chart-compliance",
            title="Targets met per rep",
            desc="Share of each rep's items that met the first-response and resolution targets.",
            labels=[r.name for r in board.reps],
            series=[
                charts.Series(
                    "First response",
                    [
                        None if s is None else 100 * s
                        for s in (r.first_response_share for r in board.reps)
                    ],
                ),
                charts.Series(
                    "Resolution",
                    [
                        None if s is None else 100 * s
                        for s in (r.resolution_share for r in board.reps)
                    ],
                ),
            ],
            max_value=100,
            value_format=_percent,
        ),
        "backlog": charts.bar_chart(
            chart_id="chart-backlog",
            title="Open items by age",
            desc="Items open now, by how long ago they were received.",
            labels=[b.label for b in board.backlog],
            series=[charts.Series("Open items", [b.count for b in board.backlog])],
            value_format=lambda v: f"{v:,.0f}",
            empty_message="No open items.",
        ),
        "sentiment": charts.line_chart(
            chart_id="chart-sentiment",
            title="Sentiment of incoming feedback per week",
            desc="Average sentiment score (-1 negative to +1 positive) of the items received "
            "each week.",
            labels=[i18n.format_day(w.week, year=False) for w in board.sentiment],
            series=[charts.Series("Average sentiment", [w.average for w in board.sentiment])],
            y_range=(-1.0, 1.0),
            value_format=_signed,
        ),
        "complaint_topics": charts.bar_chart(
            chart_id="chart-complaint-topics",
            title="Complaints by topic",
            desc=(
                f"Complaints (filed as complaints, or negative) per topic in the {f.days} days "
                f"from {i18n.format_day(f.start)}, next to the {f.days} days before."
            ),
            labels=[t.category for t in board.complaint_topics],
            series=[
                charts.Series("This period", [t.items for t in board.complaint_topics]),
                charts.Series("Period before", [t.previous for t in board.complaint_topics]),
            ],
            value_format=lambda v: f"{v:,.0f}",
            empty_message="No complaints in this view or the one before.",
        ),
        "root_causes": charts.bar_chart(
            chart_id="chart-root-causes",
            title="Root causes",
            desc="Items resolved per root cause recorded on their resolution.",
            labels=[c.root_cause for c in board.root_causes],
            series=[charts.Series("Items", [c.items for c in board.root_causes])],
            value_format=lambda v: f"{v:,.0f}",
            empty_message="No resolutions recorded for this view.",
        ),
    }


async def dashboard(request: Request) -> Response:
    await require_role(request, Role.MANAGER)
    now = utcnow()
    f, view = await _view(request, now.date())
    board = await metrics.dashboard(f, now)
    context = {"f": f, **_links(request, f), **view, "board": board, "charts": _charts(board)}
    if not is_fragment_request(request):
        context["quiet_channels"] = await channel_watch.quiet_channels(now)
    return render(
        request,
        "manager/dashboard.html",
        context,
        fragment="manager/partials/_dashboard_figures.html",
    )


async def _figure(
    request: Request, f: MetricFilters, now: datetime
) -> tuple[str, str, str, QuerySet[FeedbackItem]]:
    """The drill-down's figure and bucket from the query string, its heading, and the items
    behind them (404 for a figure, bucket or rep the dashboard does not have)."""
    figure = request.query_params.get("figure") or "received"
    bucket = request.query_params.get("bucket") or ""
    try:
        query = metrics.items_for_figure(f, figure, bucket, now)
        heading = await metrics.describe_figure(f, figure, bucket)
    except metrics.UnknownFigure:
        raise HTTPException(404) from None
    return figure, bucket, heading, query


async def dashboard_items(request: Request) -> Response:
    await require_role(request, Role.MANAGER)
    now = utcnow()
    f, view = await _view(request, now.date())
    figure, bucket, heading, query = await _figure(request, f, now)
    try:
        page = max(1, min(int(request.query_params.get("page", "1")), 100_000))
    except ValueError:
        page = 1
    total = await query.count()
    items = (
        await query.select_related("customer", "owner", "team")
        .order_by("-created_at", "-id")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    links = _links(request, f)
    return render(
        request,
        "manager/dashboard_items.html",
        {
            "f": f,
            **links,
            **view,
            "figure": figure,
            "bucket": bucket,
            "heading": heading,
            "items": items,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "page_url": lambda n: links["drill"](figure, bucket) + f"&page={n}",
            "backlog": figure == "backlog",
        },
        fragment="manager/partials/_dashboard_item_rows.html",
    )


async def dashboard_export(request: Request) -> Response:
    await require_role(request, Role.MANAGER)
    now = utcnow()
    f, _ = await _view(request, now.date())
    figure, _, _, query = await _figure(request, f, now)
    name = f"feedback-{f.start.isoformat()}-to-{f.end.isoformat()}"
    if request.query_params.get("figure"):
        name += f"-{figure}"  # a known figure name: letters and underscores only
    return StreamingResponse(
        metrics.export_csv(query),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}.csv"',
            "Cache-Control": "no-store",
        },
    )


async def rep_performance(request: Request) -> Response:
    await require_role(request, Role.MANAGER)
    rep = await StaffUser.get_or_none(id=request.path_params["staff_id"])
    if rep is None:
        raise HTTPException(404)
    now = utcnow()
    f, view = await _view(request, now.date())
    f = replace(f, rep_id=rep.id)
    report = await metrics.rep_performance(rep.id, f, now)
    return render(
        request,
        "manager/rep.html",
        {"f": f, **_links(request, f), **view, "rep": rep, "report": report},
    )
