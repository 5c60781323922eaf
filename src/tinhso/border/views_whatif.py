"""What-if pages for the border-gate management board (ban quản lý cửa khẩu).

The form (scenario, capacity change, policy, seed) is POSTed: that queues a simulation
(`border.whatif.start_run`) and redirects to the run's page, which polls its status
fragment with htmx until the background task has written the result; the result is the
metrics table and the queue chart. No simulation runs inside a request. The URL and the
permission are wired in ``urls.py`` and ``views.py``.
"""

from datetime import datetime

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers

from tinhso.border import whatif as service
from tinhso.border.engine.report import METRICS
from tinhso.border.models import WhatIfRun

SCENARIO_CHOICES = [
    ("normal-day", "Ngày bình thường (normal day)"),
    ("harvest-peak", "Cao điểm thu hoạch (harvest peak)"),
    ("winter-2021", "Ùn tắc mùa đông 2021 (winter 2021)"),
]
POLICY_LABELS = {
    "walk-in": "Tự đến, xếp hàng (walk-in)",
    "booking": "Đặt lịch khung giờ (booking)",
    "booking+priority": "Đặt lịch + ưu tiên hàng tươi (booking + priority)",
    "booking+priority+advisory": "Đặt lịch + ưu tiên + khuyến cáo (booking + priority + advisory)",
}


class WhatIfForm(forms.Form):
    scenario = forms.ChoiceField(choices=SCENARIO_CHOICES, initial="winter-2021")
    capacity_change = forms.IntegerField(
        min_value=-90, max_value=200, initial=0,
        error_messages={
            "min_value": "Công suất giảm tối đa 90 %%.",
            "max_value": "Công suất tăng tối đa 200 %%.",
            "invalid": "Nhập một số nguyên (phần trăm).",
        },
    )
    policy = forms.ChoiceField(
        choices=[(service.ALL_POLICIES, "Tất cả (all)"), *POLICY_LABELS.items()],
        initial=service.ALL_POLICIES,
    )
    seed = forms.IntegerField(
        min_value=0, max_value=10_000, initial=1,
        error_messages={"invalid": "Nhập một số nguyên từ 0 đến 10000."},
    )


RECENT_RUNS = 10
POLL_SECONDS = 2


def _initial() -> dict:
    return {name: field.initial for name, field in WhatIfForm.base_fields.items()}


def whatif(request):
    """GET: the form (prefilled from the query string, as old links had it) and the recent
    runs. POST: queue a run and go to its page."""
    if request.method == "POST":
        form = WhatIfForm(request.POST)
        if form.is_valid():
            run = service.start_run(actor=request.user, **form.cleaned_data)
            return redirect("border:whatif_run", pk=run.pk)
    else:
        form = WhatIfForm(initial={**_initial(), **{
            k: v for k, v in request.GET.items() if k in WhatIfForm.base_fields}})
    return render(request, "border/whatif.html", {"form": form, "runs": _recent_runs()})


def whatif_run(request, pk: int):
    """A run's page; with HX-Request, only its status fragment (what the page polls)."""
    run = get_object_or_404(WhatIfRun, pk=pk)
    context = {"run": _present(run), "poll_seconds": POLL_SECONDS}
    if request.headers.get("HX-Request"):
        response = render(request, "border/_whatif_run.html", context)
    else:
        form = WhatIfForm(initial={f: getattr(run, f) for f in WhatIfForm.base_fields})
        response = render(request, "border/whatif.html",
                          {**context, "form": form, "runs": _recent_runs()})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _recent_runs() -> list[dict]:
    return [_present(run, with_result=False)
            for run in WhatIfRun.objects.defer("chart_svg", "result")[:RECENT_RUNS]]


def _present(run: WhatIfRun, *, with_result: bool = True) -> dict:
    scenario_labels = dict(SCENARIO_CHOICES)
    policy_labels = {service.ALL_POLICIES: "Tất cả (all)", **POLICY_LABELS}
    view = {
        "pk": run.pk, "state": run.state, "state_label": run.get_state_display(),
        "finished": run.finished, "stale": service.is_stale(run),
        "steps_done": run.steps_done, "steps_total": run.steps_total, "percent": run.percent,
        "scenario_label": scenario_labels.get(run.scenario, run.scenario),
        "policy_label": policy_labels.get(run.policy, run.policy),
        "capacity_change": run.capacity_change, "seed": run.seed,
        "created_at": run.created_at, "finished_at": run.finished_at,
    }
    if with_result and run.state == WhatIfRun.State.DONE and run.result:
        metrics = run.result["metrics"]
        view.update(
            description=run.result["description"],
            start=datetime.fromisoformat(run.result["start"]),
            days=run.result["days"], trucks=run.result["trucks"],
            policies=[{"code": p, "label": POLICY_LABELS.get(p, p)} for p in metrics],
            rows=[{"vi": vi, "en": en, "values": [metrics[p].get(key, "") for p in metrics]}
                  for key, vi, en in METRICS if key != "runtime_s"],
            chart=run.chart_svg,
        )
    return view
