"""``growthsim report``: a self-contained HTML report of a run folder or a Monte Carlo store.

One concept a module:

- :mod:`~analysis.report.source`: a run folder or one scenario of a batch store, in one shape;
- :mod:`~analysis.report.quantities`: the numbers the figures show;
- :mod:`~analysis.report.figure`: a figure record (name, PNG, data) and drawing helpers;
- :mod:`~analysis.report.figures`: fan charts, growth decomposition, volatility, inclusiveness;
- :mod:`~analysis.report.maps`: tile-grid maps, the attainment heat map, the value chain;
- :mod:`~analysis.report.compare`: differences between two sources, paired where they share seeds;
- :mod:`~analysis.report.narrative`: the short text with the numbers it quotes;
- :mod:`~analysis.report.page`: the HTML template and its sections;
- :mod:`~analysis.report.build`: :func:`make_report` and :func:`write_report`.
"""

from analysis.report.build import Report, make_report, write_report
from analysis.report.source import Source, load_source

__all__ = ["Report", "Source", "load_source", "make_report", "write_report"]
