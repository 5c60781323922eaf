"""`tinhso serve`: the web server, the task workers and the scheduler, started and stopped
together (what `make run` runs). When one of them exits, the others are stopped, and so
are all of them on Ctrl+C or SIGTERM.

Processes: gunicorn; a worker for the `default` queue (notifications, no-shows,
advisories); a worker for the `simulations` queue, so a long what-if run never delays a
driver's SMS; the scheduler. With TASKS_BACKEND=immediate there is no queue to work.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

GRACE_SECONDS = 15


class Command(BaseCommand):
    help = "Serve the platform: gunicorn, task workers and scheduler, stopped together."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--web-workers", type=int, default=3)
        parser.add_argument("--forwarded-allow-ips", default="127.0.0.1")

    def processes(self, *, bind: str, web_workers: int, forwarded_allow_ips: str
                  ) -> dict[str, list[str]]:
        tinhso = [sys.executable, "-m", "tinhso"]
        commands = {
            "web": [sys.executable, "-m", "gunicorn", "tinhso.wsgi:application",
                    "--bind", bind, "--workers", str(web_workers), "--access-logfile", "-",
                    "--forwarded-allow-ips", forwarded_allow_ips],
            "scheduler": [*tinhso, "scheduler"],
        }
        if settings.TASKS_BACKEND == "database":
            for queue in settings.TASK_QUEUES:
                commands[f"worker-{queue}"] = [*tinhso, "db_worker", "--queue-name", queue,
                                               "--no-reload", "--interval", "1"]
        return commands

    def handle(self, *args, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # their lines appear as they happen
        running = {name: subprocess.Popen(command, env=env)
                   for name, command in self.processes(**{
                       k: options[k] for k in ("bind", "web_workers", "forwarded_allow_ips")
                   }).items()}
        self.stdout.write("Started " + ", ".join(
            f"{name} (pid {p.pid})" for name, p in running.items()))
        exited = None
        while not stopping and exited is None:
            time.sleep(0.5)
            exited = next((name for name, p in running.items() if p.poll() is not None), None)
        if exited:
            self.stderr.write(f"{exited} exited with code {running[exited].returncode}; "
                              "stopping the others.")
        for p in running.values():
            if p.poll() is None:
                p.terminate()
        deadline = time.monotonic() + GRACE_SECONDS
        for p in running.values():
            try:
                p.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if exited and running[exited].returncode:
            sys.exit(running[exited].returncode)
