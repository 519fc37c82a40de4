#!/usr/bin/env python3
"""Bounded load on `alerts serve`: latency of POST /api/v1/subscriptions with and without a concurrent
`alerts run --once` cycle on the same store, with 1 client and with 8.

Each scenario gets a fresh folder: generated local feeds (so the run cycle has real work: articles to store,
match, extract claims from), a configuration, a store. `serve` starts on a free port; for the "during run"
scenarios `alerts run --once --verbose` starts beside it and requests are counted from its first pipeline log
line until it exits. Every request subscribes a new address (the subscribe throttle is raised for the test).

    python3 tools/api-load.py --cli src/Alerts.Cli/bin/Debug/net10.0/alerts.dll

Prints one line per scenario: requests, errors, p50, p99 and max in ms, requests/s, and the run's length.
Standard library only; nothing is downloaded. Bounded: at most --requests per client per idle scenario, and a
"during run" scenario ends with the run (or after --max-seconds).
"""

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

CITIES = ["Velmar", "Ostrava", "Kerrin", "Daleport", "Brenna", "Holmvik", "Sarn", "Tavel"]


def feed_xml(feed, items):
    """An RSS feed of `items` tram-budget stories with figures that differ between feeds (claims, contradictions)."""
    parts = ['<?xml version="1.0"?><rss version="2.0"><channel>',
             f"<title>Load desk {feed}</title><link>http://load.test/{feed}/</link>"]
    for i in range(items):
        city = CITIES[(feed + i) % len(CITIES)]
        cost = 200 + 10 * ((feed * 7 + i) % 13)
        text = " ".join([
            f"The city council of {city} said on Monday it will spend {cost} million euros on the new tram line.",
            f"Mayor Anna Berg told reporters the tram line would open in {2027 + i % 4}.",
            f"The opposition said the tram budget of {city} was {cost + 40} million euros, not {cost}.",
            f"Transport officials said {12 + i % 9} new tram stops are planned along the eastern route.",
            f"The council denied that the tram project in {city} had been delayed by the contractor.",
        ])
        parts.append(
            f'<item><guid isPermaLink="false">load-{feed}-{i}</guid>'
            f"<title>{city} council sets tram budget at {cost} million euros (story {feed}-{i})</title>"
            f"<link>http://load.test/{feed}/{i}</link>"
            f"<pubDate>Fri, 12 Dec 2025 {i % 24:02d}:{feed % 60:02d}:00 GMT</pubDate>"
            f"<description><![CDATA[{text}]]></description></item>")
    parts.append("</channel></rss>")
    return "".join(parts)


def write_scenario(folder, feeds, items):
    os.makedirs(os.path.join(folder, "feeds"))
    names = []
    for f in range(feeds):
        name = f"feeds/load-{f}.xml"
        with open(os.path.join(folder, name), "w", encoding="utf-8") as out:
            out.write(feed_xml(f, items))
        names.append(name)
    config = "\n".join([
        "store:",
        f"  path: {os.path.join(folder, 'alerts.db')}",
        "articles:",
        "  fetchPages: false",
        "feeds:",
        *[f"  - url: {n}" for n in names],
        "topics:",
        "  - id: trams",
        "    name: Trams",
        "    query: 'tram* AND (council OR cost OR budget)'",
        "subscribers:",
        "  - email: reader@example.com",
        "    topics: [trams]",
        "    frequency: immediate",
        "mail:",
        "  provider: outbox",
        "  outbox:",
        f"    folder: {os.path.join(folder, 'outbox')}",
        "",
    ])
    path = os.path.join(folder, "alerts.yaml")
    with open(path, "w", encoding="utf-8") as out:
        out.write(config)
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment():
    env = dict(os.environ)
    # Every request subscribes a new address from one client: lift the client limit for the measurement only.
    env["ALERTS_Web__RateLimits__SubscribePerClient__Permits"] = "1000000"
    env["ALERTS_Web__RateLimits__PublicPerClient__Permits"] = "1000000"
    env.pop("ALERTS_CONFIG", None)
    return env


def start_serve(cli, config, port, folder):
    process = subprocess.Popen(
        ["dotnet", cli, "serve", "--urls", f"http://127.0.0.1:{port}", "--config", config],
        cwd=folder, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    if not line.startswith("serve: listening"):
        process.kill()
        raise SystemExit(f"api-load: serve did not start: {line!r}")
    return process


class Client(threading.Thread):
    def __init__(self, port, prefix, limit, window):
        super().__init__(daemon=True)
        self.port, self.prefix, self.limit, self.window = port, prefix, limit, window
        self.samples, self.errors = [], 0

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        n = 0
        while n < self.limit and not self.window.finished():
            body = json.dumps({"email": f"{self.prefix}-{n}@example.org", "topics": ["trams"]})
            started = time.perf_counter()
            try:
                connection.request("POST", "/api/v1/subscriptions", body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                ok = 200 <= response.status < 300
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            if self.window.counting(started):
                self.samples.append(elapsed)
                self.errors += 0 if ok else 1
            n += 1
        connection.close()


class Always:
    """Counts every request (idle scenarios)."""

    def finished(self):
        return False

    def counting(self, _):
        return True


class RunWindow:
    """Counts requests started between the run's first pipeline log line and its exit."""

    def __init__(self, process, max_seconds):
        self.process, self.deadline = process, time.perf_counter() + max_seconds
        self.start = None
        self.end = None
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self):
        for line in self.process.stderr:
            if self.start is None and ("schedule:" in line or "poll:" in line):
                self.start = time.perf_counter()
        self.process.wait()
        self.end = time.perf_counter()

    def finished(self):
        return self.end is not None or time.perf_counter() > self.deadline

    def counting(self, started):
        return self.start is not None and started >= self.start and (self.end is None or started <= self.end)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def scenario(args, clients, during_run):
    folder = tempfile.mkdtemp(prefix="alerts-load-")
    try:
        config = write_scenario(folder, args.feeds, args.items)
        port = free_port()
        serve = start_serve(args.cli, config, port, folder)
        try:
            warm = Client(port, "warm", 20, Always())
            warm.run()
            run = None
            window = Always()
            if during_run:
                run = subprocess.Popen(["dotnet", args.cli, "run", "--once", "--verbose", "--config", config],
                                       cwd=folder, env=environment(), stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, text=True)
                window = RunWindow(run, args.max_seconds)
            limit = 10**9 if during_run else args.requests
            workers = [Client(port, f"c{i}", limit, window) for i in range(clients)]
            began = time.perf_counter()
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            wall = time.perf_counter() - began
            if run is not None:
                run.wait(timeout=600)
                wall = (window.end or time.perf_counter()) - (window.start or began)
            samples = [s for w in workers for s in w.samples]
            errors = sum(w.errors for w in workers)
        finally:
            serve.terminate()
            serve.wait(timeout=30)
        if not samples:
            return f"clients={clients} {'during-run' if during_run else 'idle'}: no samples"
        return (f"clients={clients} {'during-run' if during_run else 'idle      '} requests={len(samples)} errors={errors} "
                f"p50={percentile(samples, 50):.1f}ms p99={percentile(samples, 99):.1f}ms max={max(samples):.1f}ms "
                f"rps={len(samples) / wall:.0f}" + (f" run-cycle={wall:.1f}s" if during_run else ""))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cli", required=True, help="path of alerts.dll (a build of src/Alerts.Cli)")
    parser.add_argument("--feeds", type=int, default=8)
    parser.add_argument("--items", type=int, default=30, help="items per feed")
    parser.add_argument("--requests", type=int, default=200, help="requests per client in the idle scenarios")
    parser.add_argument("--max-seconds", type=float, default=300, help="longest a during-run scenario lasts")
    parser.add_argument("--only", choices=["idle", "run"], help="only the idle or only the during-run scenarios")
    args = parser.parse_args()
    args.cli = os.path.abspath(args.cli)  # the processes run in the scenario's folder
    if not os.path.isfile(args.cli):
        raise SystemExit(f"api-load: {args.cli} is missing: build src/Alerts.Cli first")
    for during_run in ([False] if args.only == "idle" else [True] if args.only == "run" else [False, True]):
        for clients in (1, 8):
            print(scenario(args, clients, during_run), flush=True)


if __name__ == "__main__":
    sys.exit(main())
