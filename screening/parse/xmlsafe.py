"""Safe XML reading, and the small helpers every XML parser shares.

defusedxml refuses DTD entity declarations (billion laughs), external entities
and external DTDs, so a hostile or broken download can neither expand in memory
nor reach the network.  Every failure becomes a one-line SourceFormatError.
"""
from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from .files import read_checked_bytes
from .model import SourceFormatError

# How far into a file its root element is looked for (after the XML declaration and comments).
MARKER_BYTES = 4096


def read_xml(path: Path | str, data: bytes | None = None) -> Element:
    """Parse an XML file (or its bytes) safely and return the root element."""
    name = Path(path).name
    try:
        if data is not None:
            return SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
        return SafeET.parse(str(path), forbid_dtd=False, forbid_entities=True, forbid_external=True).getroot()
    except DefusedXmlException as exc:
        raise SourceFormatError(f"{name}: refused unsafe XML ({type(exc).__name__}: entity declarations or external references)") from exc
    except ParseError as exc:
        raise SourceFormatError(f"{name}: not well-formed XML ({exc})") from exc


def read_publisher_xml(path: Path, root: str, what: str) -> Element:
    """Read a publisher's XML file and return its root element, which must be <``root``>.

    A missing, empty or HTML file, unsafe or not well-formed XML, or another root element
    (``what`` names the format expected) is refused with a one-line SourceFormatError."""
    element = read_xml(path, read_checked_bytes(path))
    check_root(element, path.name, root, what)
    return element


def find_marked_file(snapshot: Path, marker: bytes, suffix: str | None = ".xml") -> Path | None:
    """The folder's file whose first bytes hold ``marker`` (its root element or namespace).

    Failing that, the folder's only ``suffix`` file (none when ``suffix`` is None): a lone
    file that is not the expected one is still "the" file, so that parse() can say what is
    wrong with it (an HTML page, a cut download) rather than that nothing was found.
    """
    files = sorted(p for p in snapshot.iterdir() if p.is_file() and not p.name.startswith("."))
    for path in files:
        with path.open("rb") as handle:
            if marker in handle.read(MARKER_BYTES):
                return path
    if suffix is None:
        return None
    candidates = [p for p in files if p.suffix.lower() == suffix]
    return candidates[0] if len(candidates) == 1 else None


def check_root(root: Element, file: str, expected: str, what: str) -> None:
    """Refuse a well-formed XML file whose root element is not the publisher's."""
    tag = local_name(root.tag)
    if tag != expected:
        raise SourceFormatError(f"{file}: root element is <{tag}>, expected <{expected}> ({what})")


def local_name(tag: str) -> str:
    """Tag without its namespace: '{ns}entity' -> 'entity'."""
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str:
    """The namespace prefix of a tag, to put before child names: '{ns}entity' -> '{ns}', 'entity' -> ''."""
    return tag[: tag.index("}") + 1] if tag.startswith("{") else ""


def text_of(elem: Element | None) -> str | None:
    """Stripped text of an element, None when absent or blank."""
    if elem is None or elem.text is None:
        return None
    value = elem.text.strip()
    return value or None


def texts_of(elem: Element, path: str) -> list[str]:
    """Stripped texts of the elements at ``path``, blank ones left out."""
    return [v for v in (text_of(e) for e in elem.iterfind(path)) if v]
