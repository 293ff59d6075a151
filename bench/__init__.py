"""Benchmarks and the evaluation of respin: run `python -m bench.eval` from the repository root."""
