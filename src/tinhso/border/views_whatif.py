"""What-if pages for the border-gate management board (ban quản lý cửa khẩu).

The form (scenario, capacity change, policy, seed) is POSTed: that queues a simulation
(`border.whatif.start_run`) and redirects to the run's page, which polls its status
fragment with htmx until the background task has written the result; the result is the
metrics table and the queue chart. No simulation runs inside a request. The URL and the
permission are wired in ``urls.py`` and ``views.py``.
"""

import base64
from datetime import datetime

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from tinhso.border import whatif as service
from tinhso.border.engine.report import (
    METRICS,
    POLICY_NAMES,
    SCENARIO_DESCRIPTIONS_VI,
    SCENARIO_NAMES,
)
from tinhso.border.models import WhatIfRun
from tinhso.core.language import current_language


def _pick(names: dict[str, tuple[str, str]], code: str) -> str:
    """The Vietnamese or English name of a code, in the language of the request."""
    vi, en = names.get(code, (code, code))
    return en if current_language() == "en" else vi


label = lazy(_pick, str)
ALL_NAMES = {service.ALL_POLICIES: ("Tất cả các phương án", "All policies")}
SCENARIO_CHOICES = [(code, label(SCENARIO_NAMES, code)) for code in SCENARIO_NAMES]
POLICY_LABELS = {code: label(POLICY_NAMES, code) for code in POLICY_NAMES}


class WhatIfForm(forms.Form):
    scenario = forms.ChoiceField(choices=SCENARIO_CHOICES, initial="winter-2021")
    capacity_change = forms.IntegerField(
        min_value=-90, max_value=200, initial=0,
        error_messages={
            "min_value": _("The capacity can fall by at most 90 %%."),
            "max_value": _("The capacity can rise by at most 200 %%."),
            "invalid": _("Enter a whole number (per cent)."),
        },
    )
    policy = forms.ChoiceField(
        choices=[(service.ALL_POLICIES, label(ALL_NAMES, service.ALL_POLICIES)),
                 *POLICY_LABELS.items()],
        initial=service.ALL_POLICIES,
    )
    seed = forms.IntegerField(
        min_value=0, max_value=10_000, initial=1,
        error_messages={"invalid": _("Enter a whole number from 0 to 10000."),
                        "min_value": _("Enter a whole number from 0 to 10000."),
                        "max_value": _("Enter a whole number from 0 to 10000.")},
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
    policies = {**ALL_NAMES, **POLICY_NAMES}
    view = {
        "pk": run.pk, "state": run.state, "state_label": run.get_state_display(),
        "finished": run.finished, "stale": service.is_stale(run),
        "steps_done": run.steps_done, "steps_total": run.steps_total, "percent": run.percent,
        "scenario_label": SCENARIO_NAMES.get(run.scenario, (run.scenario,) * 2)[0],
        "scenario_label_en": SCENARIO_NAMES.get(run.scenario, (run.scenario,) * 2)[1],
        "policy_label": policies.get(run.policy, (run.policy,) * 2)[0],
        "policy_label_en": policies.get(run.policy, (run.policy,) * 2)[1],
        "capacity_change": run.capacity_change, "seed": run.seed,
        "created_at": run.created_at, "finished_at": run.finished_at,
    }
    if with_result and run.state == WhatIfRun.State.DONE and run.result:
        metrics = run.result["metrics"]
        view.update(
            description=SCENARIO_DESCRIPTIONS_VI.get(run.scenario, ""),
            description_en=run.result["description"],
            start=datetime.fromisoformat(run.result["start"]),
            days=run.result["days"], trucks=run.result["trucks"],
            policies=[{"code": p, "label": POLICY_NAMES.get(p, (p, p))[0],
                       "label_en": POLICY_NAMES.get(p, (p, p))[1]} for p in metrics],
            rows=[{"vi": vi, "en": en, "values": [metrics[p].get(key, "") for p in metrics]}
                  for key, vi, en in METRICS if key != "runtime_s"],
            chart_src=_svg_data_uri(run.chart_svg) if run.chart_svg else "",
        )
    return view


def _svg_data_uri(svg: str) -> str:
    """The chart as an image URI: matplotlib's SVG carries a <style> element and style
    attributes, which the Content-Security-Policy blocks inline but not inside an image."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
