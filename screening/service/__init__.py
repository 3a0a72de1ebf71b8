"""The HTTP service (``screening serve``): yente-compatible matching and the product's own endpoints,
answering from published snapshots of the store while refreshes write it (see ``docs/serving.md``).

Only :mod:`screening.service.publish` is imported by the pipeline; the web stack (FastAPI, uvicorn:
the ``serve`` extra) is imported by :mod:`screening.service.app` alone.
"""
