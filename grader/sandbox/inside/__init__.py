"""Code that runs INSIDE the sandbox, next to student code.

Everything in this folder is copied into the sandbox on its own, so it must import nothing from
the `grader` package: only the standard library, torch and numpy (and pandas, lazily). It holds
no hidden checks, expected values or configuration; whatever it reports is treated by the judge
as untrusted data.
"""
