"""Run a command and print, as JSON, its exit code, wall time, CPU time and peak resident memory.

``python tests/reliability_measure.py CMD ARG...``, used by tests/test_reliability_input.py.
It runs in its own process so that ``RUSAGE_CHILDREN`` (the largest peak RSS of any child
waited for) sees exactly one child: the command being measured.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main() -> None:
    started = time.monotonic()
    proc = subprocess.run(sys.argv[1:], capture_output=True, check=False)
    seconds = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kib = usage.ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "code": proc.returncode,
                "seconds": round(seconds, 2),
                # what the command itself spent (other processes on a busy machine don't count)
                "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
                "peak_mb": round(peak_kib / 1024, 1),
                "stdout_head": proc.stdout[:500].decode("utf-8", "replace"),
                "stderr": proc.stderr[-2000:].decode("utf-8", "replace"),
            }
        )
    )


if __name__ == "__main__":
    main()
