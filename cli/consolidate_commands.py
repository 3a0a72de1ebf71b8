"""`screening lists consolidate|export` and `screening entity show`."""
from __future__ import annotations
