"""Benchmarks run by `make bench`: results in bench/results.json and docs/benchmarks.md."""
