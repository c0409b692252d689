"""d2l-grader: question bank and sandboxed autograder for d2l's Preliminaries chapter.

Data flows one way: bank → assign → sandbox ⇄ judge → results → gradebook → reports.
"""

__version__ = "0.1.0"
