"""pytest fixtures for simrun (registered through the `pytest11` entry point of the wheel).

    def test_refund(simrun_env):
        env = simrun_env("crm-refund")
        task, info = env.reset(seed=3)
        ...

`simrun_env(scenario, **options)` makes an `Env` whose traces go to the test's tmp_path; every
env is closed after the test.
"""

from __future__ import annotations

import pytest

from . import Env


@pytest.fixture
def simrun_env(tmp_path):
    made: list[Env] = []

    def make(scenario: str, **options) -> Env:
        options.setdefault("trace_dir", str(tmp_path / "traces"))
        env = Env(scenario, **options)
        made.append(env)
        return env

    yield make
    for env in made:
        env.close()
