"""The date ticks drawn by arithmetic are the ticks Matplotlib's rrule locators give."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.views.plots import _DayTicks


@settings(max_examples=200, deadline=None)
@given(st.floats(18000, 21000), st.floats(0.5, 400))
def test_month_and_monday_ticks_match_the_rrule_locators(start, length):
    lo, hi = start, start + length
    for fast, slow in ((_DayTicks(True), mdates.MonthLocator()),
                       (_DayTicks(False), mdates.WeekdayLocator(byweekday=0))):
        expected = slow.tick_values(mdates.num2date(lo), mdates.num2date(hi))
        got = fast.tick_values(lo, hi)
        # exact ticks; the ends (no tick inside) differ by the microseconds of num2date
        assert len(got) == len(expected) and np.allclose(got, expected, rtol=0, atol=1e-6)
