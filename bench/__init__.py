"""Benchmarks, one script per question (bench/README.md); a package so that bench/search.py
is not taken for the project's `search` app."""
