"""What the WHO 2006 and 2007 column results share: one z, unrounded z and flag column per
indicator, and the rows whose input was rejected."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np


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
        return self.indicator_rows([i])[0]

    def indicator_rows(self, index: Sequence[int] | np.ndarray) -> list[dict[str, Any]]:
        """``indicator_values`` of the rows ``index``, each column converted once."""
        rows: list[dict[str, Any]] = [{} for _ in index]
        for ind in self.indicators:
            z = floats(self.z[f"z{ind}"], index)
            f = self.flags[f"f{ind}"][index].tolist()
            unrounded = floats(self.z_unrounded[f"z{ind}"], index)
            for row, zi, fi, ui in zip(rows, z, f, unrounded, strict=True):
                row[f"z{ind}"] = zi
                row[f"f{ind}"] = None if fi < 0 else fi
                row[f"z{ind}_unrounded"] = ui
        return rows


def floats(column: np.ndarray, index: Sequence[int] | np.ndarray) -> list[float | None]:
    """Cells of a float column as plain floats, None for NA (``inputs.optional_float``)."""
    return [None if v != v else v for v in column[index].astype(np.float64).tolist()]
