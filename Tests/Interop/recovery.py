#!/usr/bin/env python3
"""Parameter recovery of a shipped scenario's services by `simrun learn` (issue 14).

  recovery.py SIMRUN SCENARIO [--seeds A..B] [--drop-schedule SERVICE] [--work DIR]
              [--format markdown|json] [--check] [--reuse-traces]
              [--realtime SCALE [--workers N]]

Sweeps SCENARIO with the robust agent and `--no-faults` (fault rules are not dynamics) over the
seeds (default 1..2000) into DIR/tr, learns every trace back with `simrun learn` (no holdout;
the sweep's archives are read as they are, one sequence per episode), and compares each learned
service with the truth in the scenario file (a task file's `"world"` is read for its services):

- the number of regimes (BIC's choice against the scenario's);
- per regime, matched by latency and error shares (below): the error shares per class within
  0.03 absolute, the latency median within 10 % and p99 within 20 % (the learned scenario's
  distribution, as the simulation would draw it);
- the per-call transition probabilities the scenario gives, within 30 % relative (moves the
  scenario does not have are shown with the learned probability);
- the token bucket (capacity and refill).

Learned regimes are matched to true ones by the assignment (every one: K ≤ 4 regimes, at most
4! = 24 permutations of the learned regimes over each choice of as many true ones) with the
smallest total cost, a pair's cost being log(1 + d) with d its distance in tolerances:

    d = |log(learned median / true median)| / log(1.1)  +  sum over classes of |learned share − true share| / 0.03

(median against the effective truth below, shares of server_error, timeout and rate_limited). The
logarithm makes the cost grow ever more slowly with the distance, so a pair that agrees is not
traded away to make two poor pairs a little less poor (with d itself summed, crm-refund's
billing, learned before its window was found whole, paired its 2.5 s regime with server errors
0.2 to `healthy` to spread the misfit of a 94 ms regime and a 3.8 s one over `degraded` and
`outage`). So a regime is compared with the truth it is: that regime is `degraded`, where
matching medians alone filed it under `healthy` too. Ties go to the first assignment found.

The truth is what the calls show, which is not always what the file says: a call slower than the
service's `timeout_ms` is a timeout (World+Step), so a regime's timeout share grows by
(1 − its error shares) · P(latency > timeout_ms) and its latencies are those below the timeout
(the median and p99 of the truncated distribution); the learned regime's median and p99 are
taken the same way, below the learned `timeout_ms`, as the simulation of the learned scenario
would draw them (a lognormal fitted to the calls below a timeout extrapolates its tail past it:
crm-refund's billing degraded regime, 2,500/15,000 ms under a 10 s timeout, is learned as a
2,419/14,004 ms lognormal, whose calls below 10 s have a p99 of about 9,100 ms; truth 9,184); a `bad_gateway` share is a 502, which
recorded outcomes count as `server_error`. Both the file's figure and the effective one are shown
where they differ. A figure outside its tolerance is marked **miss**, with the calls a share or a
transition would need for the tolerance to be two standard errors wide (the sampling error alone,
as if each call's regime were known: a lower bound).

--drop-schedule SERVICE learns a copy of the scenario without that service's `schedule` (a
regime forced over a window of time, which the time-homogeneous model does not express).
--check exits 1 when any figure misses its tolerance; --reuse-traces learns the traces an earlier
run left in --work DIR (after a change to the learner) instead of sweeping again. Output on stdout: one markdown table per
service (or one JSON document). Exit 2 on bad input.

--realtime SCALE learns a wall-clock recording instead of the sweep's archives: each episode of
the sweep is played again, call for call (its tools, arguments and the agent's think time, slept
SCALE times over), against `simrun serve SCENARIO --seed S --no-faults --realtime=SCALE --trace …`
through `simrun record --name SERVICE`, N sessions at a time (--workers, default 32), and the
recordings are learned with `--time-scale SCALE`. The replay is open loop: where the wall clock
makes a call's outcome differ from the sweep's, the calls stay those the robust agent made. The
*seen* figures come from the served episodes' own traces; the headline says how much later than
the served latency the answers were recorded (pipes, the proxy, a queue for the CPU: on 2 cores,
short episodes want fewer workers, as each starts two processes). The scenario must have one
service (a recording is one server, learned as one service). Recordings and traces go to
DIR/rt; with --reuse-traces, a complete DIR/rt is learned again rather than recorded again.
"""

from __future__ import annotations

import argparse
import glob
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from statistics import NormalDist
from typing import Any

CLASSES = ["server_error", "timeout", "rate_limited"]
ERROR_TOLERANCE, MEDIAN_TOLERANCE, P99_TOLERANCE, TRANSITION_TOLERANCE = 0.03, 0.10, 0.20, 0.30
Z = 1.96
NORMAL_P99 = 2.3263478740408408


def fail(message: str) -> None:
    print(f"recovery.py: {message}", file=sys.stderr)
    sys.exit(2)


# --- latency distributions, as Sources/WorldModel/Services/LatencyDistribution.swift draws them


def cdf(dist: dict[str, Any], ms: float) -> float:
    """P(latency ≤ ms)."""
    kind = dist["dist"]
    if kind == "fixed":
        return 1.0 if dist["ms"] <= ms else 0.0
    if kind == "uniform":
        low, high = sorted((dist["min_ms"], dist["max_ms"]))
        return min(max((math.floor(ms) - low + 1) / (high - low + 1), 0.0), 1.0)
    if kind == "lognormal":
        sigma = (math.log(dist["p99_ms"]) - math.log(dist["median_ms"])) / NORMAL_P99
        if sigma <= 0:
            return 1.0 if dist["median_ms"] <= ms else 0.0
        return NormalDist(math.log(dist["median_ms"]), sigma).cdf(math.log(max(ms, 1e-9)))
    if kind == "empirical":
        points = dist["quantiles"]
        if ms < points[0][1]:
            return 0.0
        for (p0, m0), (p1, m1) in zip(points, points[1:]):
            if m0 <= ms < m1:
                return p0 + (p1 - p0) * (ms - m0) / (m1 - m0)
        return 1.0 if ms >= points[-1][1] else points[0][0]
    fail(f"unknown latency dist '{kind}'")
    return 0.0


def quantile(dist: dict[str, Any], q: float) -> float:
    kind = dist["dist"]
    if kind == "fixed":
        return float(dist["ms"])
    if kind == "uniform":
        low, high = sorted((dist["min_ms"], dist["max_ms"]))
        return low + q * (high - low)
    if kind == "lognormal":
        sigma = (math.log(dist["p99_ms"]) - math.log(dist["median_ms"])) / NORMAL_P99
        return math.exp(math.log(dist["median_ms"]) + sigma * NormalDist().inv_cdf(q))
    if kind == "empirical":
        points = dist["quantiles"]
        if q <= points[0][0]:
            return float(points[0][1])
        for (p0, m0), (p1, m1) in zip(points, points[1:]):
            if q <= p1:
                return m0 + (m1 - m0) * (q - p0) / (p1 - p0)
        return float(points[-1][1])
    fail(f"unknown latency dist '{kind}'")
    return 0.0


# --- the truth


def errors_of(regime: dict[str, Any]) -> dict[str, float]:
    errors = regime.get("errors") or {}
    shares = {name: float(errors.get(name, 0)) for name in CLASSES}
    shares["server_error"] += float(errors.get("bad_gateway", 0))
    return shares


def truth_of(service: dict[str, Any]) -> dict[str, Any]:
    """Regimes (file and effective figures), transitions and bucket of a scenario's service."""
    timeout = service.get("timeout_ms", 30000)
    regimes = []
    for name, regime in service["regimes"].items():
        dist = regime["latency"]
        stated = errors_of(regime)
        over = 1 - cdf(dist, timeout)
        effective = dict(stated)
        effective["timeout"] += (1 - sum(stated.values())) * over
        below = 1 - over
        regimes.append({
            "name": name,
            "median": quantile(dist, 0.5), "p99": quantile(dist, 0.99),
            "effective_median": quantile(dist, 0.5 * below), "effective_p99": quantile(dist, 0.99 * below),
            "errors": stated, "effective_errors": effective,
        })
    transitions = {name: dict(row) for name, row in (service.get("transitions") or {}).items()}
    return {"regimes": regimes, "initial": service.get("initial"), "transitions": transitions,
            "rate_limit": service.get("rate_limit"), "schedule": service.get("schedule"),
            "timeout_ms": timeout}


def services_of(path: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The services of a scenario file (with its world's) and each tool's service."""
    try:
        with open(path, encoding="utf-8") as handle:
            scenario = json.load(handle)
    except (OSError, ValueError) as error:
        fail(f"{path}: {error}")
    services, tools = dict(scenario.get("services") or {}), {}
    if "world" in scenario:
        services, tools = services_of(os.path.join(os.path.dirname(path), scenario["world"]))
        services.update(scenario.get("services") or {})
    listed = scenario.get("tools") or {}
    for name, tool in (listed.items() if isinstance(listed, dict) else ((t["name"], t) for t in listed)):
        tools[name] = tool.get("service", "")
    return services, tools


def outcome(status: int) -> str:
    if status == 429:
        return "rate_limited"
    if status == 504:
        return "timeout"
    if status >= 500:
        return "server_error"
    return "client_error" if status >= 400 else "ok"


def realized(inputs: list[str], tools: dict[str, str], schedules: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """What the sweep's calls were, read from the traces' ground truth (each call's regime and the
    faults that fired), which learn never reads: per service and true regime the calls, their
    outcome shares (429s of the service's token bucket apart) and latencies, the per-call moves
    between regimes, and the bucket's refusals. Sampling noise is learned-from-this minus truth.
    A move into a call inside one of the service's `schedules` windows is the schedule's, not the
    chain's, and is not counted (crm-refund's billing: 399 moves of the chain, not 3,850)."""
    services: dict[str, Any] = {}
    for path in inputs:
        previous: dict[str, str] = {}
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                call = json.loads(line)
                if call.get("type") == "header":
                    previous = {}
                if call.get("type") != "step" or not call.get("regime"):
                    continue
                name = tools.get(call["tool"])
                if not name:
                    continue
                service = services.setdefault(name, {"regimes": {}, "moves": {}, "refused": 0})
                if f"rate_limit:{name}" in call.get("faults", []):
                    service["refused"] += 1
                    kind = None
                else:
                    kind = outcome(call["status"])
                regime = service["regimes"].setdefault(call["regime"], {"calls": 0, "classes": {}, "latencies": []})
                regime["calls"] += 1
                if kind:
                    regime["classes"][kind] = regime["classes"].get(kind, 0) + 1
                    if kind not in ("timeout", "rate_limited"):
                        regime["latencies"].append(call["latency_ms"])
                forced = any(window["from_ms"] <= call["at_ms"] < window["to_ms"] for window in schedules.get(name, []))
                if name in previous and not forced:
                    moves = service["moves"].setdefault(previous[name], {})
                    moves[call["regime"]] = moves.get(call["regime"], 0) + 1
                previous[name] = call["regime"]
    for service in services.values():
        for regime in service["regimes"].values():
            answered = sum(regime["classes"].values())
            regime["shares"] = {c: regime["classes"].get(c, 0) / max(answered, 1) for c in CLASSES}
            latencies = sorted(regime.pop("latencies"))
            regime["median"] = latencies[len(latencies) // 2] if latencies else None
            regime["p99"] = latencies[min(int(0.99 * len(latencies)), len(latencies) - 1)] if latencies else None
        for source, row in service["moves"].items():
            total = sum(row.values())
            service["moves"][source] = {target: count / total for target, count in row.items()}
    return services


# --- sweep and learn


def run(command: list[str], allowed: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode not in allowed:
        fail(f"{' '.join(command[:3])} … exited {result.returncode}: {result.stderr.strip()[:2000]}")
    return result


def sweep(simrun: str, scenario: str, seeds: str, work: str, reuse: bool) -> list[str]:
    """The robust agent's sweep of the scenario over the seeds: its trace archives."""
    traces = os.path.join(work, "tr")
    if not (reuse and os.path.isdir(traces)):
        run([simrun, "run", scenario, "--seeds", seeds, "--no-faults", "--trace-dir", traces], (0, 1))
    inputs = sorted(path for path in glob.glob(os.path.join(traces, "**", "*.jsonl"), recursive=True)
                    if not path.endswith(".index.jsonl"))
    if not inputs:
        fail(f"the sweep of {scenario} wrote no traces under {traces}")
    return inputs


def learn(simrun: str, inputs: list[str], out: str, *options: str) -> dict[str, Any]:
    """`simrun learn` of the inputs: its JSON report."""
    return json.loads(run([simrun, "learn", *inputs, "--out", out, *options, "--format", "json"]).stdout)


def replay_episode(simrun: str, scenario: str, service: str, seed: int, calls: list[tuple[str, Any, int]],
                   scale: float, recording: str, trace: str) -> None:
    """Plays one episode's calls again through `simrun record` in front of `simrun serve
    --realtime`, sleeping each call's think time (scaled) before it, as the agent did."""
    command = [simrun, "record", "--out", recording, "--name", service, "--", simrun, "serve", scenario,
               "--seed", str(seed), "--no-faults", f"--realtime={scale:g}", "--trace", trace]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, bufsize=1)
    assert process.stdin and process.stdout

    def send(message: dict[str, Any]) -> None:
        process.stdin.write(json.dumps(message) + "\n")
        process.stdin.flush()

    def request(identifier: int, method: str, params: dict[str, Any]) -> None:
        send({"jsonrpc": "2.0", "id": identifier, "method": method, "params": params})
        for line in process.stdout:
            if json.loads(line).get("id") == identifier:
                return
        fail(f"simrun serve --seed {seed} closed its output before answering {method}")

    request(0, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                              "clientInfo": {"name": "recovery.py", "version": "1"}})
    send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    for identifier, (tool, arguments, think_ms) in enumerate(calls, start=1):
        if think_ms:
            time.sleep(think_ms * scale / 1000)
        request(identifier, "tools/call", {"name": tool, "arguments": arguments})
    process.stdin.close()
    if process.wait() != 0:
        fail(f"simrun record … serve --seed {seed} exited {process.returncode}")


def record_and_learn(simrun: str, scenario: str, service: str, sweep: list[str], scale: float, workers: int,
                     work: str, reuse: bool) -> tuple[dict[str, Any], list[str]]:
    """Replays every episode of the sweep in real time (`replay_episode`), `workers` at a time,
    and learns the recordings: the learned report and the served episodes' traces."""
    directory = os.path.join(work, "rt")
    done = os.path.join(directory, "complete")
    if not (reuse and os.path.exists(done)):
        episodes: list[tuple[int, list[tuple[str, Any, int]]]] = []
        for path in sweep:
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    entry = json.loads(line)
                    if entry.get("type") == "header":
                        episodes.append((entry["seed"], []))
                    elif entry.get("type") == "step" and episodes:
                        episodes[-1][1].append((entry["tool"], entry["arguments"], entry.get("think_ms", 0)))
        os.makedirs(directory, exist_ok=True)
        for stale in glob.glob(os.path.join(directory, "*")):
            os.remove(stale)
        pending = iter(episodes)
        lock = threading.Lock()
        finished = [0]

        def work_through() -> None:
            while True:
                with lock:
                    episode = next(pending, None)
                if episode is None:
                    return
                seed, calls = episode
                replay_episode(simrun, scenario, service, seed, calls, scale,
                               os.path.join(directory, f"{seed:06d}.rec.jsonl"),
                               os.path.join(directory, f"{seed:06d}.trace.jsonl"))
                with lock:
                    finished[0] += 1
                    if finished[0] % 100 == 0 or finished[0] == len(episodes):
                        print(f"recovery.py: {finished[0]:,} of {len(episodes):,} episodes recorded", file=sys.stderr)

        threads = [threading.Thread(target=work_through) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if len(glob.glob(os.path.join(directory, "*.trace.jsonl"))) != len(episodes):
            fail(f"{directory}: not every episode was recorded")
        open(done, "w").close()
    recordings = sorted(glob.glob(os.path.join(directory, "*.rec.jsonl")))
    report = learn(simrun, recordings, os.path.join(work, "learned-realtime.json"), "--time-scale", f"{scale:g}")
    return report, sorted(glob.glob(os.path.join(directory, "*.trace.jsonl")))


def wall_overhead(work: str, scale: float) -> dict[str, float]:
    """How much later than the served latency each recorded answer came (recorded latency ÷ SCALE
    − the server's `_meta.latency_ms`): the pipes, the proxy and, with too many --workers for
    the cores, the queue for a CPU. Learned latencies include it."""
    gaps = []
    for path in glob.glob(os.path.join(work, "rt", "*.rec.jsonl")):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                entry = json.loads(line)
                served = ((entry.get("result") or {}).get("_meta") or {}).get("latency_ms")
                if entry.get("type") == "call" and served is not None:
                    gaps.append(entry["latency_ms"] / scale - served)
    gaps.sort()
    return {"median": gaps[len(gaps) // 2], "p90": gaps[int(0.9 * len(gaps))]} if gaps else {}


# --- comparison


def learned_errors(regime: dict[str, Any]) -> dict[str, float]:
    errors = regime.get("errors") or {}
    return {name: float(errors.get(name, 0)) for name in CLASSES}


def match_cost(truth: dict[str, Any], median: float, shares: dict[str, float]) -> float:
    """The cost of pairing a learned regime (its median and error shares) with a true one:
    log(1 + d), d the distance in tolerances (the log median ratio over log(1 + 10 %) plus each
    class's share difference over 0.03)."""
    distance = abs(math.log(max(median, 1e-9) / truth["effective_median"])) / math.log(1 + MEDIAN_TOLERANCE)
    distance += sum(abs(shares[c] - truth["effective_errors"][c]) for c in CLASSES) / ERROR_TOLERANCE
    return math.log1p(distance)


def match(truth: list[dict[str, Any]], learned: list[tuple[str, float, dict[str, float]]]) -> dict[str, str]:
    """True regime name → learned regime name: the assignment with the smallest total
    `match_cost`, trying every one (when the counts differ, every choice of as many regimes from
    the larger side)."""
    best: tuple[float, dict[str, str]] = (math.inf, {})
    size = min(len(truth), len(learned))
    for chosen in itertools.permutations(range(len(learned)), size):
        for kept in itertools.combinations(range(len(truth)), size):
            cost = sum(match_cost(truth[t], learned[l][1], learned[l][2]) for t, l in zip(kept, chosen))
            if cost < best[0] - 1e-12:
                best = (cost, {truth[t]["name"]: learned[l][0] for t, l in zip(kept, chosen)})
    return best[1]


def calls_for_share(share: float, tolerance: float) -> int:
    """Calls for which two standard errors of a share equal the tolerance."""
    return math.ceil((Z / tolerance) ** 2 * share * (1 - share))


def compare(name: str, truth: dict[str, Any], report: dict[str, Any], seen: dict[str, Any]) -> dict[str, Any]:
    learned = report["learned"]
    details = {d["name"]: d for d in report["regime_details"]}
    regimes = learned["regimes"]
    summaries = [(regime_name, quantile(regime["latency"], 0.5), learned_errors(regime))
                 for regime_name, regime in regimes.items()]
    mapping = match(truth["regimes"], summaries)
    rows, misses = [], []

    def verdict(ok: bool, what: str) -> str:
        if not ok:
            misses.append(f"{name}: {what}")
        return "ok" if ok else "**miss**"

    for regime in truth["regimes"]:
        target = mapping.get(regime["name"])
        if target is None:
            rows.append({"regime": regime["name"], "learned": None})
            misses.append(f"{name}: regime {regime['name']} has no learned counterpart")
            continue
        fitted = regimes[target]
        calls = details[target]["calls"]
        # As the simulation draws the learned scenario: below its timeout_ms (as the truth is).
        below = cdf(fitted["latency"], learned.get("timeout_ms", 30000))
        median, p99 = quantile(fitted["latency"], 0.5 * below), quantile(fitted["latency"], 0.99 * below)
        row: dict[str, Any] = {
            "regime": regime["name"], "learned": target, "calls": calls,
            "median": median, "median_truth": regime["effective_median"], "median_file": regime["median"],
            "p99": p99, "p99_truth": regime["effective_p99"], "p99_file": regime["p99"],
            "latency_dist": fitted["latency"]["dist"], "errors": [],
        }
        actual = seen["regimes"].get(regime["name"], {"calls": 0, "shares": {}, "median": None, "p99": None})
        row["realized"] = {"calls": actual["calls"], "median": actual["median"], "p99": actual["p99"],
                           "shares": actual["shares"]}
        row["median_error"] = median / regime["effective_median"] - 1
        row["p99_error"] = p99 / regime["effective_p99"] - 1
        row["median_result"] = verdict(abs(row["median_error"]) <= MEDIAN_TOLERANCE,
                                       f"{regime['name']} median {row['median_error']:+.1%}")
        row["p99_result"] = verdict(abs(row["p99_error"]) <= P99_TOLERANCE,
                                    f"{regime['name']} p99 {row['p99_error']:+.1%}")
        found = learned_errors(fitted)
        for error in CLASSES:
            expected = regime["effective_errors"][error]
            if expected == 0 and found[error] == 0:
                continue
            ok = abs(found[error] - expected) <= ERROR_TOLERANCE
            entry = {"class": error, "learned": found[error], "truth": expected, "file": regime["errors"][error],
                     "realized": actual["shares"].get(error, 0.0),
                     "result": verdict(ok, f"{regime['name']} {error} {found[error]:.3f} (truth {expected:.3f}, "
                                           f"{calls} calls; {calls_for_share(expected, ERROR_TOLERANCE)} needed)")}
            if not ok:
                entry["calls_needed"] = calls_for_share(expected, ERROR_TOLERANCE)
            row["errors"].append(entry)
        rows.append(row)

    transitions = []
    learned_moves = learned.get("transitions") or {}
    names = [r["name"] for r in truth["regimes"]]
    for source, target in itertools.permutations(names, 2):
        expected = float(truth["transitions"].get(source, {}).get(target, 0))
        a, b = mapping.get(source), mapping.get(target)
        found = float(learned_moves.get(a, {}).get(b, 0)) if a and b else None
        if expected == 0 and not found:
            continue
        entry: dict[str, Any] = {"from": source, "to": target, "truth": expected, "learned": found,
                                 "realized": seen["moves"].get(source, {}).get(target, 0.0)}
        if expected > 0 and found is not None:
            entry["error"] = found / expected - 1
            visits = details[a]["calls"]
            needed = math.ceil((Z / TRANSITION_TOLERANCE) ** 2 * (1 - expected) / expected)
            entry["result"] = verdict(abs(entry["error"]) <= TRANSITION_TOLERANCE,
                                      f"{source}→{target} {found:.4f} (truth {expected}, {entry['error']:+.0%}; "
                                      f"{visits} calls in {source}, {needed} needed)")
            if entry["result"] != "ok":
                entry["calls_needed"] = needed
        elif expected > 0:
            entry["result"] = verdict(False, f"{source}→{target}: a regime is missing")
        else:
            entry["result"] = "not in the scenario"
        transitions.append(entry)

    regimes_ok = len(regimes) == len(truth["regimes"])
    count_result = verdict(regimes_ok, f"{len(regimes)} regimes learned, {len(truth['regimes'])} in the scenario")
    bucket = report.get("rate_limit")
    bucket_truth = truth["rate_limit"]
    bucket_result = "none in the scenario" if not bucket_truth else (
        "not exercised: the bucket refused no call of the sweep" if seen["refused"] == 0 and not bucket else None
    ) or verdict(
        bool(bucket) and bucket["capacity"] == bucket_truth["capacity"]
        and abs(bucket["refill_per_s"] - bucket_truth["refill_per_s"]) < 1e-9,
        f"token bucket {bucket and (bucket['capacity'], bucket['refill_per_s'])} "
        f"(truth {bucket_truth['capacity']}, {bucket_truth['refill_per_s']})")
    # A learned schedule names learned regimes: shown by the true regime each was matched to.
    learned_names = {learned_name: true_name for true_name, learned_name in mapping.items()}
    schedule_learned = [dict(window, regime=learned_names.get(window["regime"], window["regime"]))
                        for window in learned.get("schedule", [])]
    truth_regimes = sorted(window["regime"] for window in truth["schedule"] or [])
    schedule_result = verdict(sorted(window["regime"] for window in schedule_learned) == truth_regimes,
                              "schedule regimes differ from the scenario's")
    return {
        "service": name, "calls": report["calls"], "sequences": report["sequences"],
        "regimes_learned": len(regimes), "regimes_truth": len(truth["regimes"]), "regimes_result": count_result,
        "candidates": [{"regimes": c["regimes"], "bic": c.get("bic"), "schedule": c.get("schedule", False)}
                       for c in report["candidates"]],
        "rate_limit": bucket, "rate_limit_truth": bucket_truth, "rate_limit_result": bucket_result,
        "bucket_refusals": seen["refused"],
        "schedule": truth["schedule"], "schedule_learned": schedule_learned, "schedule_result": schedule_result,
        "rows": rows, "transitions": transitions, "misses": misses,
    }


# --- output


def percent(value: float) -> str:
    return f"{value * 100:+.0f} %"


def markdown(scenario: str, seeds: str, dropped: str | None, realtime: float | None, overhead: dict[str, float] | None,
             services: list[dict[str, Any]]) -> str:
    """Per service: a headline, a table of regimes (learned; truth; what the sweep's calls were)
    and the transitions."""
    recorded = f", recorded through simrun serve --realtime={realtime:g}" if realtime is not None else ""
    if overhead:
        recorded += (f"; answers recorded {overhead['median']:.1f} ms (median; p90 {overhead['p90']:.1f} ms) "
                     f"later than the served latency")
    lines = [f"*{scenario}{' without the schedule of ' + dropped if dropped else ''}* (seeds {seeds}{recorded}):", ""]
    for s in services:
        bics = ", ".join(f"{c['regimes']}{' with the schedule' if c['schedule'] else ''}: {c['bic']:,.0f}"
                         for c in s["candidates"] if c["bic"] is not None)
        head = (f"**{s['service']}**: {s['calls']:,} calls in {s['sequences']:,} sequences; "
                f"{s['regimes_learned']} regimes learned, {s['regimes_truth']} in the scenario "
                f"({s['regimes_result']}; BIC {bics})")
        if s["rate_limit_truth"]:
            bucket, truth = s["rate_limit"], s["rate_limit_truth"]
            learned = (f"capacity {bucket['capacity']}, {bucket['refill_per_s']:g}/s, explaining "
                       f"{bucket['explained_429s']:,} of {bucket['rate_limited']:,} 429s") if bucket else "none"
            head += (f"; token bucket {learned} (truth {truth['capacity']}, {truth['refill_per_s']:g}/s, "
                     f"{s['bucket_refusals']:,} refusals: {s['rate_limit_result']})")
        if s["schedule"] or s["schedule_learned"]:
            head += (f"; schedule learned {json.dumps(s['schedule_learned'])} "
                     f"(truth {json.dumps(s['schedule'] or [])}: {s['schedule_result']})")
        lines += [head + ".", "",
                  "| regime: learned as, calls (true calls) | median ms: learned (truth; seen) "
                  "| p99 ms: learned (truth; seen) | error shares: learned (truth; seen) |",
                  "| --- | --- | --- | --- |"]

        def figure(value: float, truth: float, stated: float, seen: float | None, error: float, result: str) -> str:
            shown = f"{truth:,.0f}" + (f", file {stated:,.0f}" if abs(truth / stated - 1) > 0.005 else "")
            shown += f"; {seen:,}" if seen is not None else ""
            return f"{value:,.0f} ({shown}) {percent(error)}" + ("" if result == "ok" else " **miss**")

        for r in s["rows"]:
            if r["learned"] is None:
                lines.append(f"| {r['regime']}: not learned | | | |")
                continue
            seen = r["realized"]
            errors = "; ".join(
                f"{e['class']} {e['learned']:.3f} ({e['truth']:.3f}"
                + (f", file {e['file']:.3f}" if abs(e["truth"] - e["file"]) > 0.0005 else "")
                + f"; {e['realized']:.3f})"
                + ("" if e["result"] == "ok" else f" **miss**, {e['calls_needed']:,} calls needed")
                for e in r["errors"]) or "none"
            lines.append(
                f"| {r['regime']}: {r['learned']}, {r['calls']:,} ({seen['calls']:,}) "
                f"| {figure(r['median'], r['median_truth'], r['median_file'], seen['median'], r['median_error'], r['median_result'])} "
                f"| {figure(r['p99'], r['p99_truth'], r['p99_file'], seen['p99'], r['p99_error'], r['p99_result'])} "
                f"| {errors} |")
        moves = []
        for t in s["transitions"]:
            if t["truth"] == 0:
                moves.append(f"{t['from']}→{t['to']} {t['learned']:.4f} (not in the scenario)")
            elif t["learned"] is None:
                moves.append(f"{t['from']}→{t['to']} missing (truth {t['truth']:g}) **miss**")
            else:
                mark = "" if t["result"] == "ok" else f" **miss**, {t['calls_needed']:,} calls in {t['from']} needed"
                moves.append(f"{t['from']}→{t['to']} {t['learned']:.4f} ({t['truth']:g}; {t['realized']:.4f}) "
                             f"{percent(t['error'])}{mark}")
        if moves:
            lines += ["", "Per-call transitions, learned (truth; seen): " + "; ".join(moves) + "."]
        lines.append("")
    misses = [m for s in services for m in s["misses"]]
    lines.append("Misses: " + ("; ".join(misses) if misses else "none") + ".")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("simrun")
    parser.add_argument("scenario")
    parser.add_argument("--seeds", default="1..2000")
    parser.add_argument("--drop-schedule", metavar="SERVICE")
    parser.add_argument("--work", help="directory for traces and the learned scenario (default: a temporary one)")
    parser.add_argument("--format", choices=["markdown", "json"], default="markdown")
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure misses its tolerance")
    parser.add_argument("--reuse-traces", action="store_true",
                        help="learn the traces an earlier run left in --work DIR instead of sweeping again")
    parser.add_argument("--realtime", type=float, metavar="SCALE",
                        help="learn a wall-clock recording of the sweep's calls through simrun record in front of "
                             "simrun serve --realtime=SCALE")
    parser.add_argument("--workers", type=int, default=32, help="with --realtime: sessions recorded at a time")
    args = parser.parse_args()
    if args.realtime is not None and not (args.realtime > 0 and args.workers > 0):
        fail("--realtime needs a SCALE above 0 and --workers at least 1")

    work = args.work or tempfile.mkdtemp(prefix="recovery-")
    os.makedirs(work, exist_ok=True)
    scenario = os.path.abspath(args.scenario)
    services, tools = services_of(scenario)
    if args.drop_schedule:
        if args.drop_schedule not in services or "schedule" not in services[args.drop_schedule]:
            fail(f"{args.scenario}: services.{args.drop_schedule} has no schedule to drop")
        with open(scenario, encoding="utf-8") as handle:
            document = json.load(handle)
        if args.drop_schedule not in (document.get("services") or {}):
            fail(f"{args.scenario}: --drop-schedule needs the service in the scenario file itself, not its world")
        del document["services"][args.drop_schedule]["schedule"]
        scenario = os.path.join(work, os.path.basename(scenario))
        with open(scenario, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
        services, tools = services_of(scenario)

    if args.realtime is not None and len(services) != 1:
        fail(f"{args.scenario}: --realtime records one server, learned as one service; this scenario has "
             f"{len(services)}")
    inputs = sweep(args.simrun, scenario, args.seeds, work, args.reuse_traces)
    if args.realtime is None:
        report = learn(args.simrun, inputs, os.path.join(work, "learned.json"))
    else:
        report, inputs = record_and_learn(args.simrun, scenario, next(iter(services)), inputs, args.realtime,
                                          args.workers, work, args.reuse_traces)
    seen = realized(inputs, tools, {name: service.get("schedule") or [] for name, service in services.items()})
    compared = []
    for learned in report["services"]:
        if learned["name"] not in services:
            fail(f"learn named a service '{learned['name']}' that {args.scenario} does not have")
        empty = {"regimes": {}, "moves": {}, "refused": 0}
        compared.append(compare(learned["name"], truth_of(services[learned["name"]]), learned,
                                seen.get(learned["name"], empty)))
    overhead = wall_overhead(work, args.realtime) if args.realtime is not None else None
    if args.format == "json":
        print(json.dumps({"scenario": args.scenario, "seeds": args.seeds, "dropped_schedule": args.drop_schedule,
                          "realtime": args.realtime, "wall_overhead_ms": overhead, "services": compared}, indent=2))
    else:
        print(markdown(os.path.basename(args.scenario), args.seeds, args.drop_schedule, args.realtime, overhead,
                       compared))
    if args.check and any(s["misses"] for s in compared):
        sys.exit(1)


if __name__ == "__main__":
    main()
