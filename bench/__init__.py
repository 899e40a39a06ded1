"""Lyt benchmarks: `make bench` runs `python -m bench.run_all` (see docs/PERFORMANCE.md).

Every benchmark is a plain function with small keyword parameters, so tests/bench/test_bench_smoke.py
can run each one for a few seconds. Benchmarks print and return figures; they never assert speed.
Importing this package starts nothing.
"""
