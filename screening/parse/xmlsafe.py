"""Safe XML reading for every XML parser.

defusedxml refuses DTD entity declarations (billion laughs), external entities
and external DTDs, so a hostile or broken download can neither expand in memory
nor reach the network.  Every failure becomes a one-line SourceFormatError.
"""
from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from .model import SourceFormatError


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


def local_name(tag: str) -> str:
    """Tag without its namespace: '{ns}entity' -> 'entity'."""
    return tag.rsplit("}", 1)[-1]


def text_of(elem: Element | None) -> str | None:
    """Stripped text of an element, None when absent or blank."""
    if elem is None or elem.text is None:
        return None
    value = elem.text.strip()
    return value or None
