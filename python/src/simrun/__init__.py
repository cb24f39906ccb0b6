"""simrun for Python: the simrun binary, MCP server entries, verdicts and a Gymnasium-style Env.

Standard library only. The `simrun` binary comes from the wheel (bundled), else the
`SIMRUN_BINARY` environment variable, else `PATH`.

    import simrun
    with simrun.serve("crm-refund", seed=7, trace="t.jsonl") as url:   # MCP Streamable HTTP
        ...                                                           # any MCP client, any number of sessions
    print(simrun.verdict("t.jsonl").passed)
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from typing import Any, Iterator, Sequence

__all__ = ["Check", "Env", "SimrunError", "Verdict", "binary", "mcp_server", "serve", "tools", "verdict"]


class SimrunError(RuntimeError):
    """simrun could not be found or run, or its output could not be read."""


def binary() -> str:
    """The path of the `simrun` executable: bundled with the package, else $SIMRUN_BINARY, else PATH."""
    bundled = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "simrun")
    if os.access(bundled, os.X_OK):
        return bundled
    configured = os.environ.get("SIMRUN_BINARY")
    if configured:
        if not os.access(configured, os.X_OK):
            raise SimrunError(f"SIMRUN_BINARY={configured!r} is not an executable file")
        return configured
    found = shutil.which("simrun")
    if found:
        return found
    raise SimrunError("no simrun binary: install a simrun wheel, set SIMRUN_BINARY, or put simrun on PATH")


def mcp_server(scenario: str, seed: int = 1, trace: str | None = None, *, trial: int = 1,
               no_faults: bool = False, extra_args: Sequence[str] = ()) -> dict[str, Any]:
    """An `mcpServers` entry that serves one episode over stdio, for clients that keep one session open.

    Clients that open a server process per call (LangChain's `MultiServerMCPClient.get_tools()`,
    LlamaIndex's `BasicMCPClient`, AutoGen's `mcp_server_tools`) need `serve()` instead.
    `extra_args` go to `simrun serve` as they are (e.g. `["--realtime", "--faults", "f.json"]`).
    """
    args = ["serve", scenario, "--seed", str(seed), "--trial", str(trial)]
    if trace is not None:
        args += ["--trace", os.path.abspath(trace)]
    if no_faults:
        args.append("--no-faults")
    return {"transport": "stdio", "command": binary(), "args": args + list(extra_args)}


@contextlib.contextmanager
def serve(scenario: str, seed: int = 1, trace: str | None = None, *, trial: int = 1, no_faults: bool = False,
          host: str = "127.0.0.1", timeout: float = 30.0, extra_args: Sequence[str] = ()) -> Iterator[str]:
    """Runs `simrun serve --http` for one episode and yields its URL (`http://127.0.0.1:PORT/mcp`).

    Every session any client opens plays the same episode. Leaving the block stops the server,
    which ends the episode (without an answer if `submit_answer` was not called) and completes
    the trace. `extra_args` go to `simrun serve` as they are (e.g. `["--realtime"]`).
    """
    with tempfile.TemporaryDirectory(prefix="simrun-") as scratch:
        port_file = os.path.join(scratch, "port")
        args = [binary(), "serve", scenario, "--seed", str(seed), "--trial", str(trial),
                "--http", f"{host}:0", "--port-file", port_file]
        if trace is not None:
            args += ["--trace", os.path.abspath(trace)]
        if no_faults:
            args.append("--no-faults")
        args += list(extra_args)
        log = open(os.path.join(scratch, "server.log"), "w+b")
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + timeout
            while True:
                if os.path.exists(port_file):
                    with open(port_file, encoding="utf-8") as handle:
                        port = handle.read().strip()
                    if port:
                        break
                if process.poll() is not None:
                    log.seek(0)
                    raise SimrunError(f"simrun serve exited with status {process.returncode}: "
                                      f"{log.read().decode(errors='replace').strip()}")
                if time.monotonic() > deadline:
                    raise SimrunError(f"simrun serve did not listen within {timeout} s")
                time.sleep(0.02)
            shown = f"[{host}]" if ":" in host else ("127.0.0.1" if host == "0.0.0.0" else host)
            yield f"http://{shown}:{port}/mcp"
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.close()


@dataclasses.dataclass(frozen=True)
class Check:
    """One check of a verdict, with its evidence.

    `attributed_to` says who a failed check is put down to: "agent", "fault" (an injected fault
    fired in the episode) or "scenario" (one of the scenario's expressions failed); None when passed.
    """
    name: str
    kind: str
    passed: bool
    evidence: str
    attributed_to: str | None = None


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The verdict of a finished episode: every check with its evidence.

    `outcome` is the verdict in one word (the trace's `verdict` member): "pass", "fail", or
    "error" when the episode failed because of the scenario rather than the agent.
    """
    passed: bool
    checks: tuple[Check, ...]
    answer: str | None
    steps: int
    virtual_time_ms: int
    outcome: str = "fail"

    @property
    def failed_checks(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.passed)

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> "Verdict":
        checks = tuple(Check(c["name"], c["kind"], bool(c["passed"]), c["evidence"], c.get("attributed_to"))
                       for c in record["checks"])
        passed = bool(record["passed"])
        outcome = record.get("verdict")
        if outcome is None:  # a trace written before the member existed: the same rule as simrun's
            outcome = "pass" if passed else (
                "error" if any(c.attributed_to == "scenario" for c in checks if not c.passed) else "fail")
        return cls(passed=passed, checks=checks, answer=record.get("answer"), steps=int(record["steps"]),
                   virtual_time_ms=int(record["virtual_time_ms"]), outcome=outcome)


def verdict(trace: str, *, replay: bool = False) -> Verdict:
    """The verdict recorded on the last line of a finished trace; SimrunError when it has none.

    With `replay=True`, the episode is re-executed first (`simrun replay TRACE --format json`) and
    the verdict returned is the recomputed one; SimrunError when the replay diverges or the trace
    is incomplete.
    """
    if replay:
        result = subprocess.run([binary(), "replay", trace, "--format", "json"], capture_output=True, text=True)
        if result.returncode not in (0, 1):
            raise SimrunError(result.stderr.strip() or f"simrun replay exited with status {result.returncode}")
        report = json.loads(result.stdout)
        if report["result"] != "identical":
            raise SimrunError(f"{trace}: replay {report['result']}: {json.dumps(report['divergence'])}")
        return Verdict.from_json(report["verdict"])
    try:
        with open(trace, "rb") as handle:
            lines = handle.read().splitlines()
    except OSError as error:
        raise SimrunError(f"cannot read the trace {trace}: {error}") from error
    if not lines:
        raise SimrunError(f"{trace}: empty file, not a trace")
    try:
        last = json.loads(lines[-1])
    except ValueError as error:
        raise SimrunError(f"{trace}: the last line is not JSON ({error}); the episode may not have finished") from error
    if not isinstance(last, dict) or last.get("type") != "verdict":
        raise SimrunError(f"{trace}: no verdict on the last line: the episode did not finish")
    return Verdict.from_json(last)


def tools(scenario: str, format: str = "openai") -> Any:
    """The scenario's tools (then submit_answer) in `openai`, `anthropic` or `mcp` format."""
    result = subprocess.run([binary(), "tools", scenario, "--format", format], capture_output=True, text=True)
    if result.returncode != 0:
        raise SimrunError(result.stderr.strip() or f"simrun tools exited with status {result.returncode}")
    return json.loads(result.stdout)


class _HTTPSession:
    """A minimal MCP Streamable HTTP client (one session), enough for Env."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session_id: str | None = None
        self.next_id = 0
        result = self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                             "clientInfo": {"name": "simrun-python", "version": "1"}})
        self.instructions = result.get("instructions", "")
        self.notify("notifications/initialized")

    def _post(self, message: dict[str, Any]) -> dict[str, Any] | None:
        headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        if self.session_id:
            headers["Mcp-Session-Id"] = self.session_id
        request = urllib.request.Request(self.url, data=json.dumps(message).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                self.session_id = response.headers.get("Mcp-Session-Id") or self.session_id
                body = response.read()
        except urllib.error.HTTPError as error:
            raise SimrunError(f"MCP request failed: HTTP {error.code}: {error.read().decode(errors='replace')}") from error
        return json.loads(body) if body else None

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self.next_id += 1
        reply = self._post({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params or {}})
        if reply is None or "error" in reply:
            raise SimrunError(f"{method}: {reply and reply['error'].get('message')}")
        return reply["result"]

    def call_tool(self, name: str, arguments: Any) -> dict[str, Any]:
        """A `tools/call` result; a JSON-RPC error (an unknown tool) comes back as an error result,
        as an agent framework shows it to a model."""
        self.next_id += 1
        reply = self._post({"jsonrpc": "2.0", "id": self.next_id, "method": "tools/call",
                            "params": {"name": name, "arguments": arguments}})
        if reply is None:
            raise SimrunError("tools/call: no answer")
        if "error" in reply:
            return {"content": [{"type": "text", "text": reply["error"].get("message", "")}], "isError": True}
        return reply["result"]

    def notify(self, method: str) -> None:
        self._post({"jsonrpc": "2.0", "method": method})


class Env:
    """A Gymnasium-style environment over one scenario: an episode per `reset`.

    `reset(seed)` (without a seed: the previous one plus 1, first 1) returns `(observation, info)`: the task text, and `info["tools"]` (OpenAI
    function-calling format, `submit_answer` last), `info["task"]`. `step(action)` takes
    `{"tool": NAME, "arguments": {...}}` or `{"answer": TEXT}` and returns
    `(observation, reward, terminated, truncated, info)`: the tool's answer text (with
    `info["is_error"]`, `info["structured"]`, `info["meta"]`; an unknown tool or malformed
    arguments give an error observation, as a framework would show a model); after an answer, `terminated` is
    true, `reward` is 1.0 when the verdict passed and 0.0 when not, and `info["verdict"]` holds it.
    `trace_dir` keeps each episode's trace as `<scenario>-seed-<S>.jsonl` (default: a temporary
    directory removed by `close()`).
    """

    def __init__(self, scenario: str, *, trace_dir: str | None = None, no_faults: bool = False,
                 max_steps: int | None = None) -> None:
        self.scenario = scenario
        self.no_faults = no_faults
        self.max_steps = max_steps
        self._scratch = None if trace_dir else tempfile.TemporaryDirectory(prefix="simrun-env-")
        self.trace_dir = trace_dir or self._scratch.name
        os.makedirs(self.trace_dir, exist_ok=True)
        self._tools = tools(scenario, "openai")
        self._server: contextlib.ExitStack | None = None
        self._session: _HTTPSession | None = None
        self.trace_path: str | None = None
        self._steps = 0
        self._seed: int | None = None

    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        """Starts an episode with `seed`; without one (Gymnasium's `reset()`), the seed after the
        previous episode's (1 for the first), so repeated resets play different, repeatable episodes."""
        if seed is None:
            seed = 1 if self._seed is None else self._seed + 1
        if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**64:
            raise SimrunError(f"a seed is a whole number from 0 to 2**64 - 1, not {seed!r}")
        self._seed = seed
        self._stop()
        name = os.path.splitext(os.path.basename(self.scenario))[0]
        self.trace_path = os.path.join(self.trace_dir, f"{name}-seed-{seed}.jsonl")
        for stale in (self.trace_path, self.trace_path + ".partial"):
            if os.path.exists(stale):
                os.remove(stale)
        stack = contextlib.ExitStack()
        url = stack.enter_context(serve(self.scenario, seed=seed, trace=self.trace_path, no_faults=self.no_faults))
        self._server = stack
        self._session = _HTTPSession(url)
        self._steps = 0
        task = self._session.request("prompts/get", {"name": "task"})["messages"][0]["content"]["text"]
        return task, {"task": task, "tools": self._tools, "seed": seed, "trace": self.trace_path}

    def step(self, action: dict[str, Any]) -> tuple[str, float, bool, bool, dict[str, Any]]:
        if self._session is None:
            raise SimrunError("call reset() before step()")
        if "answer" in action:
            result = self._session.request("tools/call", {"name": "submit_answer",
                                                          "arguments": {"answer": str(action["answer"])}})
            self._stop()
            outcome = verdict(self.trace_path)
            return _text(result), 1.0 if outcome.passed else 0.0, True, False, {"verdict": outcome}
        if "tool" not in action:
            raise SimrunError('an action is {"tool": NAME, "arguments": {...}} or {"answer": TEXT}')
        result = self._session.call_tool(str(action["tool"]), action.get("arguments", {}))
        self._steps += 1
        truncated = self.max_steps is not None and self._steps >= self.max_steps
        info: dict[str, Any] = {"is_error": bool(result.get("isError")), "structured": result.get("structuredContent"),
                                "meta": result.get("_meta", {})}
        if truncated:
            self._stop()
            info["verdict"] = verdict(self.trace_path)
        return _text(result), 0.0, False, truncated, info

    def _stop(self) -> None:
        self._session = None
        if self._server is not None:
            server, self._server = self._server, None
            server.close()

    def close(self) -> None:
        self._stop()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def __enter__(self) -> "Env":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _text(result: dict[str, Any]) -> str:
    return "".join(block.get("text", "") for block in result.get("content", []) if isinstance(block, dict))
