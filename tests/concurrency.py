"""Run calls on real threads released together (the race tests on PostgreSQL)."""

from __future__ import annotations

import threading

from django.db import connections


def run_together(*calls, timeout: float = 60) -> list:
    """Run each call on its own thread, released together; return their results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # the caller asserts on what each thread ended with
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
