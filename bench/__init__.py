"""Benchmarks: `python -m bench` (`make bench`); bench.corpus generates plan corpora."""
