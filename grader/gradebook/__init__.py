"""The gradebook: every graded (or ungradable) submission, in one SQLite file.

`store.Gradebook` is the only module that writes it; exports and reports read through
`Gradebook.results(...)`.
"""

from .store import Gradebook, StoredResult

__all__ = ["Gradebook", "StoredResult"]
