"""Mapping to SATUSEHAT FHIR R4: small pure functions, one module per resource.

Inputs are plain dataclasses (`inputs.py`) filled by `posyandu.satusehat.collect`; outputs
are JSON-ready dicts. Terminology (codes, units, code maps) comes from the rule files in
`posyandu/satusehat/rules/` through `terminology.py`; the systems fixed by the platform are
in `systems.py`. No database and no network here.
"""
