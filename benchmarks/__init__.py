"""Benchmarks: scripts that measure the project and print the figures benchmarks/README.md quotes.

Run each as a module from the repository root, so that ``benchmarks`` and ``qa`` import from
this checkout without any path set-up::

    .venv/bin/python -m benchmarks.squad_fusion --help

What the scripts share (where ../shared is, the cached encoder, the question sets over the
declarations) is in :mod:`benchmarks.common`; the highlight cases squad_highlight and
squad_rerank both score are in :mod:`benchmarks.highlight_cases`.
"""
