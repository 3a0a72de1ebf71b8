"""Output rows made out of input order, kept on disk and read back in input order.

A batch is screened in chunks ordered by name (rows of one name share a chunk), while its output
lists the rows in input order. Each screened chunk's output rows go to a temporary file as one
run sorted by input row (:meth:`RowSpill.add`); :meth:`RowSpill.rows` merges the runs back into
input order, reading each run a block of ``BLOCK_ROWS`` rows at a time. The memory held is a block
per run, not the output: a million-row batch of 25,000-row chunks holds 40 blocks. The rows come
back as the very objects they were (pickled), so a writer writes the same bytes.
"""
from __future__ import annotations

import heapq
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

BLOCK_ROWS = 500  # output rows pickled together: the unit read back from each run


class SpillFailed(OSError):
    """The rows of a batch cannot be kept in the temporary folder (full, or not writable)."""


@dataclass
class _Run:
    """One chunk's rows in the file: where its blocks start, and how many there are."""

    offset: int
    blocks: int


class RowSpill:
    """Keyed rows (input row, cells; or any picklable value) added in runs, read back merged in key order.

    The file is a private temporary file (in ``folder``, default the system's temporary folder),
    gone when the spill is closed or collected. Rows of one key keep the order they were added in.
    """

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder else Path(tempfile.gettempdir())
        try:
            self.file: IO[bytes] = tempfile.TemporaryFile(prefix="screening-rows-", dir=self.folder)
        except OSError as exc:
            raise self._failed(exc) from exc
        self.runs: list[_Run] = []
        self.count = 0

    def add(self, rows: Iterable[tuple[int, Sequence]]) -> None:
        """Add a run of (key, cells), stably sorted here by key."""
        ordered = sorted(rows, key=lambda row: row[0])
        self.file.seek(0, 2)
        run = _Run(self.file.tell(), 0)
        try:
            for start in range(0, len(ordered), BLOCK_ROWS):
                pickle.dump(ordered[start:start + BLOCK_ROWS], self.file, protocol=pickle.HIGHEST_PROTOCOL)
                run.blocks += 1
            self.file.flush()  # a full disk is said here, not at some later read
        except OSError as exc:
            raise self._failed(exc) from exc
        self.runs.append(run)
        self.count += len(ordered)

    def _failed(self, exc: OSError) -> "SpillFailed":
        """The error of a spill that cannot be written, naming its folder (a write error names no
        file, and the folder is the system's temporary one unless TMPDIR says otherwise)."""
        return SpillFailed(exc.errno, f"cannot keep the rows of the batch in the temporary folder {self.folder} "
                                  f"({exc.strerror or exc}); set TMPDIR to a folder with room")

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Sequence]:
        """The rows in key order, as :meth:`rows` gives them (a run record reads a batch's hits so)."""
        return self.rows()

    def rows(self) -> Iterator[Sequence]:
        """Every row's cells, in key order (may be read again)."""
        merged = heapq.merge(*(self._read(run) for run in self.runs), key=lambda row: row[0])
        return (cells for _, cells in merged)

    def _read(self, run: _Run) -> Iterator[tuple[int, Sequence]]:
        offset = run.offset
        for _ in range(run.blocks):
            self.file.seek(offset)
            block = pickle.load(self.file)
            offset = self.file.tell()
            yield from block

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> "RowSpill":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
