"""What-if page for the border-gate management board (ban quản lý cửa khẩu).

A GET form (scenario, capacity change, policy, seed) runs a short simulation with the
engine and shows the metrics and the queue chart. No business rule lives here: the
engine does the work; the URL and permission are wired in ``urls.py``.
"""

from django import forms
from django.shortcuts import render

from tinhso.border.engine import (
    POLICIES,
    build_scenario,
    metrics_dict,
    queue_svg,
    run_policies,
)
from tinhso.border.engine.report import METRICS

# Short runs so the page answers in about a second.
WHATIF_DAYS = {"normal-day": 7, "harvest-peak": 21, "winter-2021": 45}
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
        choices=[("all", "Tất cả (all)"), *POLICY_LABELS.items()], initial="all"
    )
    seed = forms.IntegerField(
        min_value=0, max_value=10_000, initial=1,
        error_messages={"invalid": "Nhập một số nguyên từ 0 đến 10000."},
    )


def whatif(request):
    data = request.GET if request.GET else None
    form = WhatIfForm(data, initial={f: WhatIfForm.base_fields[f].initial
                                     for f in WhatIfForm.base_fields})
    context = {"form": form, "ran": False}
    if data is not None and form.is_valid():
        cd = form.cleaned_data
        scenario = build_scenario(
            cd["scenario"], cd["seed"], days=WHATIF_DAYS[cd["scenario"]],
            capacity_change_pct=cd["capacity_change"],
        )
        policies = POLICIES if cd["policy"] == "all" else [cd["policy"]]
        results = run_policies(scenario, policies)
        metrics = metrics_dict(results)
        rows = [
            {"vi": vi, "en": en, "values": [metrics[p].get(key, "") for p in metrics]}
            for key, vi, en in METRICS
            if key != "runtime_s"
        ]
        context.update(
            ran=True,
            scenario=scenario,
            days=scenario.hours // 24,
            trucks=len(scenario.trucks),
            policies=[{"code": p, "label": POLICY_LABELS[p]} for p in metrics],
            rows=rows,
            chart=queue_svg(results),
        )
    return render(request, "border/whatif.html", context)
