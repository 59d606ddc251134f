"""The managers' dashboard (spliced into `portal.routes`)."""

from starlette.routing import Route

from portal.handlers import dashboard

routes: list[Route] = [
    Route("/manager", dashboard.dashboard, name="dashboard"),
    Route("/manager/items", dashboard.dashboard_items, name="dashboard_items"),
    Route("/manager/export.csv", dashboard.dashboard_export, name="dashboard_export"),
    Route("/manager/reps/{staff_id:int}", dashboard.rep_performance, name="rep_performance"),
]
