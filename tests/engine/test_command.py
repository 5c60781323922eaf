"""The thin ``simulate`` command over the engine (needs Django settings, no database)."""

import json
from io import StringIO

import pytest

django = pytest.importorskip("django")


def test_simulate_command_json_and_plot(tmp_path):
    from django.core.management import call_command

    out = StringIO()
    png = tmp_path / "queue.png"
    call_command("simulate", "--scenario", "winter-2021", "--policy", "all", "--seed", "1",
                 "--days", "5", "--plot", str(png), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"walk-in", "booking", "booking+priority", "booking+priority+advisory"}
    assert data["walk-in"]["trucks"] == data["booking"]["trucks"]
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_simulate_command_table():
    from django.core.management import call_command

    out = StringIO()
    call_command("simulate", "--scenario", "normal-day", "--policy", "booking", "--days", "1",
                 stdout=out)
    assert "mean border wait" in out.getvalue()
