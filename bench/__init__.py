"""Benchmarks, each figure recorded in docs/benchmarks.md; run each from the repository root as a module:
python -m bench.NAME (as a file, bench/pipeline.py would stand in for the `pipeline` package)."""
