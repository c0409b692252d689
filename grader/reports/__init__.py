"""Reports read from graded results: a feedback page per student and a class report.

Both are pure functions of `(student, result dict)` pairs plus the bank, so they can be tested
without a gradebook; `commands.py` wires them to `Gradebook.results(...)` (read-only).
"""
