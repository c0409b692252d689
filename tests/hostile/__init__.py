"""The hostile-submission suite: one small notebook per attack (see docs/security.md)."""
