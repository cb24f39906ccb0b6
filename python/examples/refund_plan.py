"""The scripted episode every example plays: crm-refund's solution, with one call that fails first.

The examples replace the model with this script, so they run in CI without a model; an agent
framework sees exactly what it would see with a real one. `play_episode` is the harness around
each: serve one episode, let the framework play it, read the verdict.
"""

import os
import tempfile
from typing import Callable

import simrun

# A read of a ticket that does not exist: 404, an `isError` result. Each example checks what its
# framework shows the agent of it (docs/python.md, "What the agent sees of an error").
MISSING_TICKET = ("crm_get_ticket", {"ticket_id": "T-0000"})

PLAN = [
    ("crm_get_ticket", {"ticket_id": "T-7031"}),
    ("billing_list_charges", {"customer_id": "C-1042"}),
    ("billing_refund", {"charge_id": "CH-55917", "amount": 120.0, "reason": "duplicate",
                        "idempotency_key": "refund-CH-55917"}),
    ("crm_add_ticket_note", {"ticket_id": "T-7031", "idempotency_key": "note-CH-55917",
                             "body": "Refunded the duplicate charge CH-55917."}),
]

ANSWER = "Refunded the duplicate charge CH-55917 (120.00) and noted it on T-7031."

# How the examples serve the episode: seed 2, no injected faults, and think time not counted, so
# the services answer this plan without errors however long the framework takes between calls.
SERVE = {"seed": 2, "no_faults": True, "extra_args": ["--think-time", "zero"]}


def play_episode(framework: str, play: Callable[[str], None]) -> None:
    """Serves crm-refund over Streamable HTTP, calls `play(url)`, and requires the verdict "pass"."""
    with tempfile.TemporaryDirectory() as scratch:
        trace = os.path.join(scratch, "episode.jsonl")
        with simrun.serve("crm-refund", trace=trace, **SERVE) as url:
            play(url)  # stopping the server afterwards ends the episode and completes the trace
        verdict = simrun.verdict(trace, replay=True)  # re-executes the episode, then reads its verdict
        assert verdict.outcome == "pass", verdict.failed_checks
        print(f"{framework}: {verdict.outcome} ({verdict.steps} steps)")
