"""The audit trail: screening runs, decisions and list changes as append-only, hash-chained events.

See :mod:`screening.audit.chain`.
"""
from .chain import (DEFAULT_RETENTION_YEARS, AuditEvent, ChainProblem, append_event, audit_actor, events,
                    prune, verify)

__all__ = ["DEFAULT_RETENTION_YEARS", "AuditEvent", "ChainProblem", "append_event", "audit_actor", "events",
           "prune", "verify"]
