"""WHO growth z-scores, Indonesian (Permenkes 2/2020) classification and weight-gain checks.

A framework-free engine (numpy only; never imports Django). It reproduces the WHO's own
software: ``anthro`` (WHO Child Growth Standards 2006, 0-5 years) and ``anthroplus`` (WHO
Growth Reference 2007, 5-19 years) to the last printed digit.
"""

from __future__ import annotations

from .charts import INDICATOR_GRIDS, sd_curves
from .classify import Category, categories, classification_table, classify, classify_array
from .dispatch import zscores_many, zscores_one
from .weight_gain import (
    DEFAULT_KBM_VERSION,
    KBM_VERSIONS,
    MAX_KBM_AGE_MONTHS,
    kbm_array,
    kbm_grams,
    needs_referral,
    referral_reasons,
    series_status,
    two_t,
    weight_gain_status,
)
from .who2006 import Who2006Result
from .who2006 import zscores as who2006_zscores
from .who2006 import zscores_one as who2006_zscores_one
from .who2006 import zscores_rows as who2006_zscores_rows
from .who2007 import Who2007Result
from .who2007 import zscores as who2007_zscores
from .who2007 import zscores_one as who2007_zscores_one
from .who2007 import zscores_rows as who2007_zscores_rows

ENGINE_VERSION = "1.0.0"
# Versions of the data the engine applies; store them beside computed values so results
# can be recomputed when any of them changes.
TABLE_VERSIONS = {
    "who2006": "WHO Child Growth Standards 2006, anthro 1.1.0.9000 (b776d8a)",
    "who2007": "WHO Growth Reference 2007, anthroplus 1.0.0.9000 (799a7de)",
}

__all__ = [
    "DEFAULT_KBM_VERSION",
    "ENGINE_VERSION",
    "INDICATOR_GRIDS",
    "KBM_VERSIONS",
    "MAX_KBM_AGE_MONTHS",
    "TABLE_VERSIONS",
    "Category",
    "Who2006Result",
    "Who2007Result",
    "categories",
    "classification_table",
    "classify",
    "classify_array",
    "kbm_array",
    "kbm_grams",
    "needs_referral",
    "referral_reasons",
    "sd_curves",
    "series_status",
    "two_t",
    "weight_gain_status",
    "who2006_zscores",
    "who2006_zscores_one",
    "who2006_zscores_rows",
    "who2007_zscores",
    "who2007_zscores_one",
    "who2007_zscores_rows",
    "zscores_many",
    "zscores_one",
]
