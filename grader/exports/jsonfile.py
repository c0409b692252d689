"""Everything in the gradebook as one JSON document (for scripts and archives)."""

from __future__ import annotations

import json
from pathlib import Path

from .. import __version__
from ..gradebook.store import StoredResult, now_iso


def write_json(results: list[StoredResult], out: Path) -> int:
    document = {
        "exported_at": now_iso(),
        "grader_version": __version__,
        "policy": "the latest submission of each student counts (counts: true)",
        "submissions": [
            {
                "student": r.student,
                "assignment": r.assignment,
                "sha256": r.sha256,
                "source": r.source,
                "submitted_at": r.submitted_at,
                "graded_at": r.graded_at,
                "counts": r.counts,
                "score": r.score if r.result is not None else None,
                "max_score": r.result["max_score"] if r.result is not None else None,
                "error": r.error,
                "result": r.result,
            }
            for r in results
        ],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(results)
