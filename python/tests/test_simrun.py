"""Tests of the installed simrun package (run by python/ci.sh in a fresh venv with no Swift on PATH)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

import simrun

# The reference path of crm-refund, retried while the world answers errors (regimes still apply).
SOLUTION = [
    {"tool": "crm_get_ticket", "arguments": {"ticket_id": "T-7031"}},
    {"tool": "billing_list_charges", "arguments": {"customer_id": "C-1042"}},
    {"tool": "billing_refund", "arguments": {"charge_id": "CH-55917", "amount": 120.0,
                                             "idempotency_key": "refund-CH-55917", "reason": "duplicate"}},
    {"tool": "crm_add_ticket_note", "arguments": {"ticket_id": "T-7031", "idempotency_key": "note-CH-55917",
                                                  "body": "Refunded the duplicate charge CH-55917."}},
]
ANSWER = {"answer": "Refunded the duplicate charge CH-55917 (120.00) and noted it on T-7031."}


def play(env: simrun.Env, seed: int) -> tuple[float, dict]:
    task, info = env.reset(seed=seed)
    assert "C-1042" in task
    names = [tool["function"]["name"] for tool in info["tools"]]
    assert names[-1] == "submit_answer"
    listing = next(t for t in info["tools"] if t["function"]["name"] == "billing_list_charges")
    assert listing["function"]["parameters"]["properties"]["cursor"]["type"] == ["string", "null"]
    for action in SOLUTION:
        for _ in range(10):
            observation, reward, terminated, truncated, step_info = env.step(action)
            assert not terminated and not truncated and reward == 0.0
            if not step_info["is_error"]:
                break
        json.loads(observation)
    _, reward, terminated, _, info = env.step(ANSWER)
    assert terminated
    return reward, info


def test_binary_is_the_bundled_one_without_swift():
    assert shutil.which("swift") is None, "the package must work without Swift on PATH"
    path = simrun.binary()
    assert path.startswith(os.path.dirname(simrun.__file__)), path


def test_env_plays_a_passing_episode_with_a_scripted_policy(tmp_path):
    with simrun.Env("crm-refund", trace_dir=str(tmp_path), no_faults=True) as env:
        reward, info = play(env, seed=3)
        assert reward == 1.0, info["verdict"].failed_checks
        assert info["verdict"].passed and info["verdict"].outcome == "pass"
        trace = env.trace_path
    assert simrun.verdict(trace, replay=True) == simrun.verdict(trace)
    replay = subprocess.run([simrun.binary(), "replay", trace, "--format", "json"], capture_output=True, text=True)
    assert json.loads(replay.stdout)["result"] == "identical"


def test_env_answers_an_unknown_tool_with_an_error_observation(tmp_path):
    with simrun.Env("crm-refund", trace_dir=str(tmp_path), no_faults=True) as env:
        env.reset(seed=2)
        observation, reward, terminated, truncated, info = env.step({"tool": "no_such_tool", "arguments": {}})
        assert info["is_error"] and "no_such_tool" in observation
        assert (reward, terminated, truncated) == (0.0, False, False)
        _, reward, terminated, _, info = env.step(ANSWER)
        assert terminated and reward == 0.0 and info["verdict"].outcome == "fail"


def test_env_reset_without_a_seed_takes_the_next_one(tmp_path):
    with simrun.Env("crm-refund", trace_dir=str(tmp_path), no_faults=True) as env:
        assert env.reset()[1]["seed"] == 1
        assert env.reset()[1]["seed"] == 2
        assert env.reset(seed=9)[1]["seed"] == 9 and env.reset()[1]["seed"] == 10
        with pytest.raises(simrun.SimrunError, match="whole number"):
            env.reset(seed=-1)


def test_extra_args_reach_simrun_serve(tmp_path):
    entry = simrun.mcp_server("crm-refund", extra_args=["--realtime", "2"])
    assert entry["args"][-2:] == ["--realtime", "2"]
    with simrun.serve("crm-refund", trace=str(tmp_path / "t.jsonl"), extra_args=["--think-time", "zero"]):
        pass
    with open(tmp_path / "t.jsonl", encoding="utf-8") as handle:
        assert json.loads(handle.readline())["think_time"] == "zero"


def test_verdict_reads_every_check_and_refuses_unfinished_traces(tmp_path):
    with simrun.serve("crm-refund", seed=1, trace=str(tmp_path / "t.jsonl")):
        pass  # nobody connects; stopping the server ends the episode without an answer
    outcome = simrun.verdict(str(tmp_path / "t.jsonl"))
    assert not outcome.passed and outcome.answer is None and outcome.steps == 0
    assert outcome.outcome == "fail"
    assert all(check.attributed_to == "agent" for check in outcome.failed_checks)
    assert all(check.evidence for check in outcome.checks)
    assert any(not check.passed for check in outcome.failed_checks)
    (tmp_path / "cut.jsonl").write_text('{"type":"header"}\n')
    with pytest.raises(simrun.SimrunError, match="did not finish"):
        simrun.verdict(str(tmp_path / "cut.jsonl"))


def test_mcp_server_entry_names_the_bundled_binary(tmp_path):
    entry = simrun.mcp_server("crm-refund", seed=4, trace=str(tmp_path / "t.jsonl"))
    assert entry["transport"] == "stdio" and entry["command"] == simrun.binary()
    assert entry["args"][:4] == ["serve", "crm-refund", "--seed", "4"]


def test_pytest_fixture(simrun_env):
    env = simrun_env("crm-refund", no_faults=True)
    reward, _ = play(env, seed=5)
    assert reward == 1.0


def test_console_command():
    result = subprocess.run(["simrun", "list"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "crm-refund" in result.stdout
    tools = subprocess.run(["simrun", "tools", "crm-refund", "--format", "anthropic"], capture_output=True, text=True)
    assert json.loads(tools.stdout)[-1]["name"] == "submit_answer"
