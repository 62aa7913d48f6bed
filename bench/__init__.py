"""Benchmarks of Pintu (not tests). Run ``python bench/run.py --help``."""
