"""Authoring tools: what an instructor runs on the bank itself (list, validate, selftest, the
catalogue). They sit above the judge and the sandbox; `grader.bank` is only the data model."""
