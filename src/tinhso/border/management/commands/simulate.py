"""``tinhso simulate``: compare border policies on a scenario (thin wrapper of the engine)."""

import json

from django.core.management.base import BaseCommand, CommandError

from tinhso.border.engine import (
    POLICIES,
    SCENARIOS,
    build_scenario,
    format_table,
    metrics_dict,
    plot_queue,
    run_policies,
)


class Command(BaseCommand):
    help = "Simulate the border gates under each policy and print the metrics."

    def add_arguments(self, parser):
        parser.add_argument("--scenario", choices=SCENARIOS, default="normal-day")
        parser.add_argument("--policy", choices=[*POLICIES, "all"], default="all")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--days", type=int, default=None, help="shorter or longer run")
        parser.add_argument("--plot", metavar="FILE", help="write a chart of the queue")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **opts):
        if opts["days"] is not None and opts["days"] < 1:
            raise CommandError("--days must be at least 1")
        scenario = build_scenario(opts["scenario"], opts["seed"], days=opts["days"])
        policies = POLICIES if opts["policy"] == "all" else [opts["policy"]]
        results = run_policies(scenario, policies)
        if opts["plot"]:
            plot_queue(results, opts["plot"])
        if opts["json"]:
            self.stdout.write(json.dumps(metrics_dict(results), ensure_ascii=False))
            return
        self.stdout.write(
            f"{scenario.name}, seed {scenario.seed}: {len(scenario.trucks):,} trucks, "
            f"{scenario.hours // 24} days, {len(scenario.gates)} gates"
        )
        self.stdout.write(format_table(results))
        if opts["plot"]:
            self.stdout.write(f"chart written to {opts['plot']}")
