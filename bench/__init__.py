"""Benchmarks of jobo_enterprise against the official SDK, its peers and a C floor.

Run ``python3 -m bench`` from the repository root; see bench/README.md.
"""
