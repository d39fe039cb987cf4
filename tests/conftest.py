"""Every test gets its own data, cache and export dirs, and no way to reach arXiv."""

from __future__ import annotations

import gc
import os
import tempfile

import pytest
from hypothesis import settings

pytest_plugins = ["tests.httpserver"]

# Each property runs Hypothesis's 100 examples, the same on every run, so CI on a fresh
# clone is repeatable (a property gives a smaller number only when its examples are slow);
# HYPOTHESIS_PROFILE=explore runs 2,000 new random ones each.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def pytest_configure(config: pytest.Config) -> None:
    """The suite runs `reader` as a command a few hundred times: let those runs keep
    compiled bytecode in one cache outside the clone, even where PYTHONDONTWRITEBYTECODE
    is set, instead of compiling reader afresh each time (~60 ms).

    Set in the processes that run tests, not in xdist's controller: workers started with
    it would look for every module's bytecode there, not beside the installed packages,
    and compile Textual, Rich and the rest afresh in a new clone (~10 s of a first run)."""
    controller = bool(config.getoption("numprocesses", default=None)) and not hasattr(config, "workerinput")
    if "PYTHONPYCACHEPREFIX" not in os.environ and not controller:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "reader-tests-pycache")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers a core. Half of an app test's time is waiting (for the
    app's timers, the library thread, a subprocess or a local server); a second worker
    on the core runs meanwhile (2 cores: 4 workers take 86 s, 2 take 125 s)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 2 * cores


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything imported so far (pytest, Textual, reader, the test modules) lives as long
    as the run: freeze it, so that the collector's full passes, run often by the hundreds of
    app starts, walk only what the tests themselves made."""
    gc.collect()
    gc.freeze()
    # Young collections every 700 new objects cost a quarter of each app start here (the
    # tests start hundreds of apps, each making and dropping some 100,000 objects); every
    # 10,000 costs next to nothing. The app's own use of the collector (reader/tui/heap.py)
    # applies when it is run by a person, not by the tests.
    gc.set_threshold(10_000, 20, 20)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """The worker's last full collection, then nothing left for the collector to walk.

    pytest's clean-up after the session collects five times over (to report an exception
    raised in a finaliser, a coroutine never awaited): with the objects the run has left
    alive (Textual's caches, a few apps), that is 3-5 s a worker, and the run ends with
    the slowest worker. Here one collection finds that garbage, its finalisers run and
    report through pytest's hook as before; what is left is frozen, and the five
    collections that follow cost nothing."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Point every directory reader uses at tmp_path; never the real user data dir."""
    dirs = {name: tmp_path / name for name in ("data", "cache", "exports", "xdg-data", "xdg-cache", "xdg-config")}
    monkeypatch.setenv("READER_DATA_DIR", str(dirs["data"]))
    monkeypatch.setenv("READER_CACHE_DIR", str(dirs["cache"]))
    monkeypatch.setenv("READER_EXPORT_DIR", str(dirs["exports"]))
    monkeypatch.setenv("XDG_DATA_HOME", str(dirs["xdg-data"]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(dirs["xdg-cache"]))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(dirs["xdg-config"]))
    # Nothing may reach the internet: an unused loopback port answers "connection refused".
    monkeypatch.setenv("READER_ARXIV_API", "http://127.0.0.1:9/api/query")
    monkeypatch.setenv("READER_ARXIV_PDF", "http://127.0.0.1:9/pdf")
    monkeypatch.setenv("READER_ARXIV_DELAY", "0")
    monkeypatch.delenv("READER_DEBUG", raising=False)
    return dirs
