"""CPU time of a call for the tests that prove a stage's cost grows linearly, steadied against a loaded machine.

Process time, not wall time, so other work on the machine does not count; the collector paused, so its passes
(which come with the number of objects made, not the work) do not make a linear cost look quadratic.
"""
from __future__ import annotations

import gc
import time
from collections.abc import Callable


def fastest_cpu_seconds(*calls: Callable[[], object], rounds: int = 5) -> list[float]:
    """Each call's fastest CPU time over `rounds`, the calls taken in turn so that a slow spell slows all alike."""
    fastest = [float("inf")] * len(calls)
    collecting = gc.isenabled()
    gc.disable()
    try:
        for _ in range(rounds):
            for number, call in enumerate(calls):
                began = time.process_time()
                call()
                fastest[number] = min(fastest[number], time.process_time() - began)
    finally:
        if collecting:
            gc.enable()
    return fastest
