"""A fast local search for the maximal covering problem (pure numpy and scipy).

Gives every k a good set of sites in milliseconds: the previous k's sites plus
the one that adds the most (greedy), then the best single swap (one kept site
for one other) as long as a swap covers more. It proves nothing by itself: the
curve (:func:`kentassets.reach.options.coverage_curve`) certifies a solution
when it reaches the LP relaxation's bound, or asks HiGHS for the optimum, and
marks as ``time_limit`` a row whose budget ran out first.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from ._milp import incidence

#: Most swaps one improvement makes (each costs a few passes over the matrix).
MAX_SWAPS = 100


class CoverSearch:
    """Greedy and swap search over a 0/1 ``cover`` (clients x sites) and ``weight``."""

    def __init__(self, cover: np.ndarray, weight: np.ndarray) -> None:
        self.a = incidence(cover)  # clients x sites, CSR
        self.at = self.a.T.tocsr()
        self.weight = np.asarray(weight, dtype=np.float64)
        self.n, self.m = cover.shape
        self.tolerance = 1e-9 * max(1.0, float(self.weight.sum()))

    def _counts(self, kept: np.ndarray) -> np.ndarray:
        """How many kept sites cover each client."""
        mark = np.zeros(self.m)
        mark[kept] = 1.0
        return self.a @ mark

    def covered(self, kept: np.ndarray) -> float:
        """The weight within reach of ``kept``."""
        return float(self.weight[self._counts(kept) > 0].sum()) if len(kept) else 0.0

    def one_more(self, kept: np.ndarray) -> np.ndarray:
        """``kept`` and the site that adds the most weight (ties: the first)."""
        gain = self.at @ (self.weight * (self._counts(kept) == 0))
        gain[kept] = -1.0
        return np.sort(np.r_[kept, int(np.argmax(gain))]).astype(np.int64)

    def improve(self, kept: np.ndarray) -> np.ndarray:
        """Swap one kept site for another while a swap covers more (best swap first)."""
        kept = np.array(kept, dtype=np.int64)
        place = np.full(self.m, -1, dtype=np.int64)
        for _ in range(MAX_SWAPS):
            place[:] = -1
            place[kept] = np.arange(len(kept))
            label = np.zeros(self.m)
            label[kept] = kept + 1.0
            counts, owner = self._counts(kept), self.a @ label
            gain = self.at @ (self.weight * (counts == 0))  # what adding j brings
            only = np.flatnonzero(counts == 1)  # clients one kept site covers alone
            # for those, the one kept site is the label sum; what s alone covers, and
            # what j would take back of it: back[j, s]
            mine = place[owner[only].astype(np.int64) - 1]
            alone = np.bincount(mine, weights=self.weight[only], minlength=len(kept))
            share = sparse.csr_matrix((self.weight[only], (only, mine)),
                                      shape=(self.n, len(kept)))
            delta = (self.at @ share).toarray() + gain[:, None] - alone[None, :]
            delta[kept, :] = -np.inf
            j, s = np.unravel_index(int(np.argmax(delta)), delta.shape)
            if delta[j, s] <= self.tolerance:
                break
            kept[s] = j
        return np.sort(kept)
