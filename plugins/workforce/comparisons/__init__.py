"""Comparisons with England, the council's region and its statistical neighbours.

``authorities`` holds the reference data (each English council's codes, name, region and
the DfE's ten statistical neighbours), shipped as ``data/reference/authorities.yaml`` and
rebuilt by ``workforce reference refresh``; the published figures compared with are
``workforce.reports.benchmarks.published()``.
"""
