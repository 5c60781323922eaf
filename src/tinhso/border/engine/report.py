"""Tables, JSON and charts of simulation results (used by the command, page and bench)."""

from __future__ import annotations

import io
from collections.abc import Mapping

from .simulate import SimResult

METRICS: list[tuple[str, str, str]] = [
    # key, Vietnamese label, English label
    ("trucks", "Tổng số xe", "trucks"),
    ("crossed", "Xe đã qua cửa khẩu", "crossed"),
    ("wait_mean_h", "Chờ trung bình tại cửa khẩu (giờ)", "mean border wait (h)"),
    ("wait_p95_h", "Chờ P95 (giờ)", "p95 wait (h)"),
    ("wait_max_h", "Chờ lâu nhất (giờ)", "max wait (h)"),
    ("peak_yard", "Xe trong bãi cao nhất", "peak yard"),
    ("peak_roadside", "Xe xếp hàng ngoài đường cao nhất", "peak roadside queue"),
    ("spoiled", "Lô hàng tươi bị hỏng", "perishable loads spoiled"),
    ("diverted", "Lô hàng được khuyên không xuất phát", "loads diverted before leaving"),
    ("still_waiting", "Xe còn chờ cuối kỳ", "still waiting at the end"),
    ("reslotted", "Lượt đổi khung giờ", "re-slottings"),
    ("runtime_s", "Thời gian tính (giây)", "runtime (s)"),
]


# What a person reads for each policy and scenario code: (Vietnamese, English).
POLICY_NAMES: dict[str, tuple[str, str]] = {
    "walk-in": ("Tự đến, xếp hàng", "Walk-in, first come first served"),
    "booking": ("Đặt lịch khung giờ", "Booked time slots"),
    "booking+priority": ("Đặt lịch + ưu tiên hàng tươi", "Booked slots, perishables first"),
    "booking+priority+advisory": ("Đặt lịch + ưu tiên + khuyến cáo",
                                  "Booked slots, perishables first, advisories"),
}
SCENARIO_NAMES: dict[str, tuple[str, str]] = {
    "normal-day": ("Ngày bình thường", "Normal day"),
    "harvest-peak": ("Cao điểm thu hoạch", "Harvest peak"),
    "winter-2021": ("Ùn tắc mùa đông 2021", "Winter 2021 congestion"),
}
SCENARIO_DESCRIPTIONS_VI: dict[str, str] = {
    "normal-day": "Một tháng bình thường tại bốn cửa khẩu chính, theo số trung bình mỗi ngày "
                  "năm 2025 (dao động Poisson giữa các ngày), giờ đến sát thực tế.",
    "harvest-peak": "Hai tuần thu hoạch, xe xuất khẩu đến nhiều hơn công suất 30 %, Hữu Nghị "
                    "đóng nửa ngày và Tân Thanh thông quan chậm hai ngày, sau đó bình thường.",
    "winter-2021": "Khủng hoảng biên giới tháng 12/2021 – 2/2022: thông quan giảm còn 70–100 "
                   "xe/ngày ở Hữu Nghị và 20–30 xe/ngày ở Chi Ma trong khi xe hoa quả vẫn "
                   "tiếp tục đến.",
}


def policy_name(code: str) -> str:
    """``'booking+priority'`` → ``'Đặt lịch + ưu tiên hàng tươi / Booked slots, …'``."""
    vi, en = POLICY_NAMES.get(code, (code, code))
    return f"{vi} / {en}"


def scenario_name(code: str) -> str:
    vi, en = SCENARIO_NAMES.get(code, (code, code))
    return f"{vi} / {en}"


def metrics_dict(results: Mapping[str, SimResult]) -> dict[str, dict[str, float]]:
    """policy → metric → value (JSON-ready)."""
    return {name: dict(r.metrics) for name, r in results.items()}


def format_table(results: Mapping[str, SimResult] | Mapping[str, Mapping[str, float]],
                 *, english: bool = True) -> str:
    """Metrics side by side, one column per policy."""
    table = {name: (r.metrics if isinstance(r, SimResult) else r) for name, r in results.items()}
    names = list(table)
    labels = [(key, en if english else vi) for key, vi, en in METRICS
              if any(key in m for m in table.values())]
    width = max(len(label) for _, label in labels)
    col = max(12, *(len(n) for n in names))
    lines = [" " * width + " | " + " | ".join(n.rjust(col) for n in names)]
    lines.append("-" * len(lines[0]))
    for key, label in labels:
        cells = []
        for n in names:
            v = table[n].get(key, "")
            cells.append((f"{v:,.2f}" if isinstance(v, float) else f"{v:,}").rjust(col))
        lines.append(label.ljust(width) + " | " + " | ".join(cells))
    return "\n".join(lines)


def _figure(results: Mapping[str, SimResult], title: str | None):
    # A bare Figure on an Agg canvas: no pyplot, no global backend state (thread-safe).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 4.2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    for name, r in results.items():
        days = [h / 24 for h in range(len(r.queue))]
        ax.plot(days, r.queue, label=policy_name(name), linewidth=1.2)
    ax.set_xlabel("Ngày / day")
    ax.set_ylabel("Xe chờ tại cửa khẩu / trucks at the border")
    first = next(iter(results.values()), None)
    ax.set_title(title or (
        f"Hàng đợi tại cửa khẩu / Border queue — {scenario_name(first.scenario)}"
        if first else ""))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def plot_queue(results: Mapping[str, SimResult], path: str, *, title: str | None = None) -> None:
    """Write a chart of the border queue over time, one line per policy (PNG, SVG...)."""
    _figure(results, title).savefig(path)


def queue_svg(results: Mapping[str, SimResult], *, title: str | None = None) -> str:
    """The same chart as an inline SVG string (for the what-if page)."""
    buf = io.StringIO()
    _figure(results, title).savefig(buf, format="svg")
    svg = buf.getvalue()
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
