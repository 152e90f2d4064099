"""Benchmarks: run each with `python -m bench.<name>`; results go in docs/PERFORMANCE.md."""
