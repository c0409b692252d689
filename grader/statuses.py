"""The statuses a result records for a check (passed, failed, error, timeout, skipped), as the
front ends read them. A module of its own, importing nothing: importing grader.judge would
import torch, which `grader --help` and the batch parent must not."""

# A check that did not pass (and did not skip): what "caught", "failed" and "not passed" mean
# everywhere (selftest, validate, the leak test, reports, the CI summary).
NOT_PASSED = ("failed", "error", "timeout")
