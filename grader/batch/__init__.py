"""Batch grading: find submissions (sources), grade them on warm workers (pool, or a Dask
cluster), and record every outcome in the gradebook as it arrives (runner)."""
