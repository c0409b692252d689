"""Find the submissions in a SOURCE: a folder of notebooks, an nbgrader `submitted/` tree, or a
.zip of either.

Nothing here runs or parses student code; it only finds files and reads their bytes. Bytes are
read lazily (`Candidate.read()`), one submission at a time, so a batch of thousands holds no
more than a few notebooks in memory.

A zip is never extracted to disk: each entry is read into memory through a counting reader that
stops past a cap, so an entry that lies about its size (a zip bomb) costs at most the cap.
Entries that would escape the folder, that are not notebooks, or that are too big are refused
one by one with a reason; the rest of the archive is still graded.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..submission import MAX_NOTEBOOK_BYTES

# The whole archive may unpack to at most this much (entries past it are refused).
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024
_CHUNK = 1024 * 1024


class SourceProblem(Exception):
    """SOURCE cannot be used at all (one line: what, where, what to do)."""


class EntryRefused(Exception):
    """One entry of an archive is refused; the message says why."""


@dataclass(frozen=True)
class Candidate:
    """One submission to grade: who, from where, when, and how to get its bytes."""

    student: str
    label: str  # shown to people and stored as the gradebook's `source`
    submitted_at: str  # ISO 8601 UTC
    read: Callable[[], bytes] = field(repr=False, compare=False)


@dataclass(frozen=True)
class Refusal:
    label: str
    reason: str


@dataclass
class Found:
    layout: str  # "folder" | "nbgrader" (with " in zip" for archives)
    candidates: list[Candidate]
    refusals: list[Refusal]
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in self.closers:
            close()


def find_submissions(
    source: Path,
    assignment: str,
    *,
    entry_cap: int = MAX_NOTEBOOK_BYTES,
    archive_cap: int = MAX_ARCHIVE_BYTES,
) -> Found:
    """The submissions in `source` for `assignment`; raises SourceProblem when there are none
    to be found at all (so a typo in a path is not a silent empty batch)."""
    if not source.exists():
        raise SourceProblem(f"{source}: no such file or folder; give a folder of .ipynb or a .zip")
    if source.is_file():
        if not zipfile.is_zipfile(source):
            raise SourceProblem(
                f"{source}: not a folder or a .zip archive; give a folder of .ipynb files or a .zip of them"
            )
        found = _from_zip(source, assignment, entry_cap, archive_cap)
    else:
        found = _from_folder(source, assignment)
    if not found.candidates and not found.refusals:
        found.close()
        raise SourceProblem(
            f"{source}: no notebooks found (looked for *.ipynb, or submitted/<student>/{assignment}/*.ipynb)"
        )
    return found


# ---------------------------------------------------------------------------------------------
# folders
# ---------------------------------------------------------------------------------------------


def _iso_mtime(path: Path) -> str:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).isoformat(timespec="seconds")


def _nbgrader_root(folder: Path) -> Path | None:
    if (folder / "submitted").is_dir():
        return folder / "submitted"
    if folder.name == "submitted":
        return folder
    return None


def _from_folder(folder: Path, assignment: str) -> Found:
    root = _nbgrader_root(folder)
    if root is None:
        candidates = [
            Candidate(path.stem, str(path), _iso_mtime(path), path.read_bytes)
            for path in sorted(folder.glob("*.ipynb"))
            if path.is_file()
        ]
        return Found("folder", candidates, [])
    candidates = []
    other_assignments: set[str] = set()
    for student_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        other_assignments.update(p.name for p in student_dir.iterdir() if p.is_dir())
        work = student_dir / assignment
        if not work.is_dir():
            continue
        stamp = _nbgrader_timestamp(work / "timestamp.txt")
        for path in sorted(work.glob("*.ipynb")):
            if path.is_file():
                submitted = stamp or _iso_mtime(path)
                candidates.append(
                    Candidate(student_dir.name, str(path), submitted, path.read_bytes)
                )
    if not candidates and other_assignments:
        raise SourceProblem(
            f"{root}: no submitted/<student>/{assignment}/ folders; assignment folders found: "
            + ", ".join(sorted(other_assignments)[:10])
        )
    return Found("nbgrader", candidates, [])


def _nbgrader_timestamp(path: Path) -> str | None:
    """nbgrader writes e.g. `2026-11-20 10:00:00.123456 UTC` into timestamp.txt."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    return _parse_time(text)


def _parse_time(text: str) -> str | None:
    text = text.removesuffix(" UTC").strip()
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------
# zip archives
# ---------------------------------------------------------------------------------------------


def _safe_parts(name: str) -> tuple[str, ...] | None:
    """The path parts of a zip entry name, or None when it would land outside the folder
    (absolute, `..`, a drive letter, a backslash path written on Windows)."""
    if "\\" in name or name.startswith("/") or "\x00" in name:
        return None
    parts = PurePosixPath(name).parts
    if any(part in ("..", "") for part in parts) or (parts and ":" in parts[0]):
        return None
    return tuple(part for part in parts if part != ".")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _zip_time(info: zipfile.ZipInfo) -> str:
    try:
        when = dt.datetime(*info.date_time, tzinfo=dt.UTC)
    except ValueError:
        when = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
    return when.isoformat(timespec="seconds")


class _ArchiveBudget:
    """Bytes left to unpack from the whole archive, shared by its entries."""

    def __init__(self, cap: int) -> None:
        self.left = cap


def _zip_reader(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, cap: int, budget: _ArchiveBudget
) -> Callable[[], bytes]:
    def read() -> bytes:
        # The sizes in the header are claims; count the bytes actually inflated.
        limit = min(cap, budget.left)
        chunks, total = [], 0
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    if total > limit:
                        which = "the entry cap" if limit == cap else "the archive's total cap"
                        raise EntryRefused(
                            f"{label}: unpacks past {limit} bytes ({which}); refused"
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            # A damaged entry, a size that lied (CRC mismatch), encryption, an unknown method.
            raise EntryRefused(f"{label}: cannot be unpacked ({exc}); refused") from None
        budget.left -= total
        return b"".join(chunks)

    return read


def _from_zip(path: Path, assignment: str, entry_cap: int, archive_cap: int) -> Found:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceProblem(f"{path}: cannot open the archive ({exc})") from None
    budget = _ArchiveBudget(archive_cap)
    kept: list[tuple[tuple[str, ...], zipfile.ZipInfo]] = []
    declared_left = archive_cap
    refusals: list[Refusal] = []
    for info in archive.infolist():
        label = f"{path.name}!{info.filename}"
        if info.is_dir():
            continue
        parts = _safe_parts(info.filename)
        if parts is None:
            refusals.append(Refusal(label, "the entry's path leaves the archive's folder; refused"))
        elif _is_symlink(info):
            refusals.append(Refusal(label, "the entry is a symbolic link; refused"))
        elif "__MACOSX" in parts or ".ipynb_checkpoints" in parts:
            continue  # editor/OS litter, not a submission
        elif not parts[-1].endswith(".ipynb"):
            refusals.append(Refusal(label, "not a notebook (.ipynb); refused"))
        elif info.file_size > entry_cap or info.file_size > declared_left:
            refusals.append(
                Refusal(
                    label,
                    f"unpacks to {info.file_size} bytes, past the cap ({entry_cap} per notebook, "
                    f"{archive_cap} per archive); refused",
                )
            )
        else:
            declared_left -= info.file_size
            kept.append((parts, info))
    candidates: list[Candidate] = []
    if any("submitted" in parts[:-1] for parts, _info in kept):
        layout = "nbgrader in zip"
        for parts, info in kept:
            index = _submitted_index(parts)
            label = f"{path.name}!{info.filename}"
            if index is None or len(parts) - index != 4:
                refusals.append(
                    Refusal(label, "outside submitted/<student>/<assignment>/; refused")
                )
                continue
            student, folder = parts[index + 1], parts[index + 2]
            if folder != assignment:
                continue  # another assignment's work, not this batch's
            reader = _zip_reader(archive, info, label, entry_cap, budget)
            candidates.append(Candidate(student, label, _zip_time(info), reader))
    else:
        layout = "folder in zip"
        for parts, info in kept:
            # Student id = file stem, wherever the file sits inside the archive; the same name
            # in two folders gives that student two submissions (the latest counts).
            label = f"{path.name}!{info.filename}"
            student = os.path.splitext(parts[-1])[0]
            reader = _zip_reader(archive, info, label, entry_cap, budget)
            candidates.append(Candidate(student, label, _zip_time(info), reader))
    return Found(layout, candidates, refusals, [archive.close])


def _submitted_index(parts: tuple[str, ...]) -> int | None:
    try:
        return parts.index("submitted")
    except ValueError:
        return None
