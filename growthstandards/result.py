"""What the WHO 2006 and 2007 column results share: one z, unrounded z and flag column per
indicator, and the rows whose input was rejected."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from . import inputs


class ZscoreColumns:
    """Mixed into the engines' result dataclasses, which hold the columns below."""

    indicators: ClassVar[tuple[str, ...]]
    invalid_messages: ClassVar[dict[str, str]]

    csex: np.ndarray
    z: dict[str, np.ndarray]  # rounded to 2 decimals, NaN = NA, keyed "zlen", "zwei"...
    z_unrounded: dict[str, np.ndarray]
    flags: dict[str, np.ndarray]  # int8 1/0, -1 = NA, keyed "flen", "fwei"...
    invalid: dict[str, np.ndarray]  # input field -> rows where its value was rejected

    def __len__(self) -> int:
        return len(self.csex)

    def reasons(self, row: int) -> list[str]:
        """Why values of ``row`` were rejected (empty if none)."""
        return [self.invalid_messages[k] for k, mask in self.invalid.items() if mask[row]]

    def indicator_values(self, i: int) -> dict[str, Any]:
        """Row ``i``'s z-scores, flags and unrounded z-scores as plain Python (None = NA)."""
        out: dict[str, Any] = {}
        for ind in self.indicators:
            out[f"z{ind}"] = inputs.optional_float(self.z[f"z{ind}"][i])
            f = int(self.flags[f"f{ind}"][i])
            out[f"f{ind}"] = None if f < 0 else f
            out[f"z{ind}_unrounded"] = inputs.optional_float(self.z_unrounded[f"z{ind}"][i])
        return out
