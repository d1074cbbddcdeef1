"""Bounds checked before any work starts (importing this module costs nothing)."""

# Every run's per-day values stay in memory (about 7 kB a run for the baseline) until the
# aggregates are written: 100,000 runs take about 0.7 GB, and their seeds a few seconds.
MAX_RUNS = 100_000
