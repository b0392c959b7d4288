"""Benchmarks (`make bench`); a package so that bench.settings and bench.urls can be imported."""
