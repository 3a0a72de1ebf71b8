"""Review: analysts' decisions on hits, the screening runs they are made on, and their outputs.

* :mod:`.model` - verdicts, reason codes, the fingerprints a decision is keyed to
* :mod:`.decisions` - decisions appended and judged (cleared, or raised again with the reason)
* :mod:`.runs` - screening runs and their hits, as recorded
* :mod:`.queue` - open hits with their listed entity, deciding (for the CLI, a review page, an API)
* :mod:`.spreadsheet` - the XLSX export and validated import
* :mod:`.html_report` - one self-contained HTML page per run
"""
from .decisions import DecisionError, Standing
from .queue import decide, decide_hit, hit_detail, hits_now, open_hits, open_review
from .recording import judge_results, keep_run

__all__ = ["DecisionError", "Standing", "decide", "decide_hit", "hit_detail", "hits_now", "judge_results",
           "keep_run", "open_hits", "open_review"]
