"""Interoperability with other graders (otter-grader: import its assignments, export ours)."""
