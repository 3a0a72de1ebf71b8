"""`screening lists refresh|versions|rollback|diff`, `screening customers add`, `screening rescreen`."""
from __future__ import annotations
