"""`screening screen` and `screening check`."""
from __future__ import annotations
