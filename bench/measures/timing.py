"""Times taken in this process: medians, and percentiles of a load run."""

import statistics
import time


def percentiles(values):
    ordered = sorted(values)
    if not ordered:
        return {}

    def at(p):
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    return {"p50_ms": round(at(50), 2), "p95_ms": round(at(95), 2), "p99_ms": round(at(99), 2)}


def paired_medians_ms(first, second, repetitions):
    """Median times of ``first`` and ``second`` run alternately, so that the machine's drift over the
    run (a neighbour's load, the CPU's clock) falls on both alike rather than on whichever ran later."""
    first(), second()
    times = ([], [])
    for _ in range(repetitions):
        for fn, out in ((first, times[0]), (second, times[1])):
            started = time.perf_counter()
            fn()
            out.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def median_ms(fn, repetitions):
    fn()
    times = []
    for _ in range(repetitions):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
