"""The listed names' features and blocking keys, the longest part of building the match index.

They depend on the names alone, not on which entity each name belongs to, so they can be computed
in another process while the consolidation runs (:func:`start`, called by :mod:`screening.pipeline`),
using the machine's second core; the index takes them when they are done (:meth:`Pending.take`),
and computes them itself whenever they are missing, failed or were computed for other names.

Run as ``python -m screening.match.list_names NAMES.arrow OUT.arrow`` by :func:`start`.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow as pa

from .features import blocking_keys, derived_names, name_features

# One listed name as read from the store: source, source_id, name, kind, entity_type.
ListedName = tuple[str, str, str, str, str | None]
NAME_FIELDS = ("source", "source_id", "name", "kind", "entity_type")
_WORDS = pa.list_(pa.string())
UNTYPED = "untyped"  # the kind of a typed listed name read as a name of no type (with_derived)
TYPED = ("person", "organization")  # entity types whose names normalise otherwise than a name of no type
# The columns of :func:`feature_table`, in order, with their types.
FEATURE_COLUMNS = (("name_uid", pa.int64()), *((f, pa.string()) for f in NAME_FIELDS),
                   ("core", pa.string()), ("sorted_key", pa.string()), ("compact", pa.string()),
                   ("skeleton", pa.string()), ("legal_form", pa.string()), ("tokens", _WORDS),
                   ("phonetic", _WORDS), ("skeletons", _WORDS), ("loose", _WORDS), ("keys", _WORDS))


def with_derived(names: list[ListedName]) -> list[ListedName]:
    """The listed names plus the forms derived from them (acronym in parentheses, name without it).
    A weak alias of one word is left out: too short to screen on."""
    out = []
    for source, source_id, name, kind, entity_type in names:
        if kind == "weak" and len(name.split()) < 2:
            continue
        out.append((source, source_id, name, kind, entity_type))
        if entity_type in TYPED and kind != "weak":
            # the name as a customer who gives no type reads it (feature_table keeps it only when
            # that reading differs): "LOGARCHEO S.A." of no type keeps its "S.A." ("Ao Wei" is a person)
            out.append((source, source_id, name, UNTYPED, None))
        out += [(source, source_id, d, "derived", entity_type) for d in derived_names(name)]
    return out


def feature_table(names: list[ListedName]) -> pa.Table:
    """One row per screenable name: its number in ``names`` (``name_uid``), the name's fields, its
    normalised forms, its tokens with their phonetic keys, spelling classes and loose keys, and its
    blocking keys (all of them: which are rare enough to use depends on the entities)."""
    rows = []
    typed = None  # the features of the last name read with its type: an untyped reading follows its name
    for uid, (source, source_id, name, kind, entity_type) in enumerate(names):
        feats = name_features(name, entity_type)
        if kind != UNTYPED:
            typed = feats
        elif feats == typed:  # read alike with no type: kept once
            continue
        if not feats.tokens or (kind == "weak" and len(feats.tokens) < 2):
            # a weak alias that is one word once its title is gone ("Hajji Ali") names nobody
            continue
        rows.append((uid, source, source_id, name, kind, entity_type, feats.core, feats.sorted_key, feats.compact,
                     "".join(feats.skeletons), feats.legal_form, feats.tokens, feats.phonetic, feats.skeletons,
                     feats.loose, blocking_keys(feats, listed=True)))
    columns = list(zip(*rows)) or [()] * len(FEATURE_COLUMNS)
    return pa.table({column: pa.array(values, type_) for (column, type_), values in zip(FEATURE_COLUMNS, columns)})


def _names_table(names: list[ListedName]) -> pa.Table:
    return pa.table({f: pa.array([n[i] for n in names], pa.string()) for i, f in enumerate(NAME_FIELDS)})


def _write_arrow(table: pa.Table, path: Path) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _read_arrow(path: Path) -> pa.Table:
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source).read_all()


class Pending:
    """Features being computed in another process for a given list of names."""

    def __init__(self, names: list[ListedName]):
        self.names = names
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None
        try:
            self.folder = Path(tempfile.mkdtemp(prefix="screening-names-"))
            _write_arrow(_names_table(names), self.folder / "names.arrow")
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(self.folder / "names.arrow"), str(self.output)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:  # no temporary folder or no process: the index computes them itself
            self.close()

    @property
    def output(self) -> Path:
        return (self.folder or Path()) / "features.arrow"

    def take(self, names: list[ListedName]) -> pa.Table | None:
        """The features of ``names`` when the other process computed them for exactly these names
        and succeeded; None otherwise (the caller computes them itself)."""
        try:
            if self.process is None or names != self.names:
                return None
            if self.process.wait() != 0 or not self.output.exists():
                return None
            return _read_arrow(self.output)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the process if it still runs and remove its files (again: no harm)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Pending:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def start(names: list[ListedName]) -> Pending:
    """Start computing the features of ``names`` in another process (when it cannot start, the
    result gives nothing and the index computes them itself); use it as a context manager."""
    return Pending(names)


def main(argv: list[str]) -> int:
    names_path, out_path = Path(argv[0]), Path(argv[1])
    table = _read_arrow(names_path)
    names = list(zip(*(table.column(f).to_pylist() for f in NAME_FIELDS)))
    partial = out_path.with_suffix(".partial")
    _write_arrow(feature_table(names), partial)
    partial.replace(out_path)  # the reader sees a whole file or none
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
