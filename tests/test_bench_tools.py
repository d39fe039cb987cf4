"""The benchmark's own tools (tests/bench.py): the terminal it reads the app through,
and that it needs no hook in the product (tests/test_synthetic.py: its library)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests import terminal

HERE = Path(__file__).parent
# What the old benchmark needed inside the app; the app may drop all of it.
PRODUCT_HOOKS = ("READER_BENCH_READY", "READER_BENCH_KEY", "bench_frame", "frame_written", "_compositor_refresh")


def test_the_benchmark_needs_no_hook_in_the_product() -> None:
    scripts = [*sorted(HERE.glob("bench*.py")), HERE / "terminal.py"]
    assert HERE / "bench.py" in scripts
    for path in scripts:
        text = path.read_text(encoding="utf-8")
        used = [hook for hook in PRODUCT_HOOKS if hook in text]
        assert not used, f"{path.name} relies on {used}"


PROGRAM = """\
import sys, tty
print("ready: press a key", flush=True)
tty.setcbreak(sys.stdin.fileno())
key = sys.stdin.read(1)
print(f"got {key}", flush=True)
sys.stdin.read(1)
"""


@pytest.mark.skipif(not terminal.available(), reason="tmux is not installed")
def test_the_terminal_reads_a_program_from_outside(tmp_path: Path) -> None:
    program = tmp_path / "program.py"
    program.write_text(PROGRAM, encoding="utf-8")
    with terminal.Tmux(size=(40, 10)) as tmux:
        pane = tmux.start([sys.executable, str(program)], cwd=tmp_path)
        assert 0 < pane.wait_for(["ready: press a key"], timeout=20) < 20
        assert len(pane.screen()) == 10
        assert pane.settle(quiet=0.2, timeout=20) > 0  # idle: waiting for a key
        before = pane.screen(colours=True)
        assert pane.wait_change(before, time.perf_counter(), timeout=0.2) is None  # nothing by itself
        sent = pane.type("x")
        took = pane.wait_change(before, sent, timeout=10)
        assert took is not None and 0 < took < 10
        assert "got x" in pane.text()
        assert pane.peak_rss() > 1_000_000
        assert pane.cpu_seconds() >= 0
        assert pane.quit("q", timeout=10)  # it read the q and exited by itself
        assert pane.dead()


@pytest.mark.skipif(not terminal.available(), reason="tmux is not installed")
def test_the_terminal_says_what_was_on_screen_when_the_text_never_came(tmp_path: Path) -> None:
    with terminal.Tmux(size=(40, 10)) as tmux:
        pane = tmux.start([sys.executable, "-c", "import time; print('something else'); time.sleep(0.5)"], cwd=tmp_path)
        with pytest.raises(terminal.TerminalError, match="something else"):
            pane.wait_for(["never shown"], timeout=20)
        pane.kill()
