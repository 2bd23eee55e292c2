"""Calibration by the method of simulated moments: spec, moments, fit.

- :mod:`~analysis.calibration.spec`: the TOML spec (parameters, bounds, optimizer, seeds);
- :mod:`~analysis.calibration.msm`: simulated moments with common random numbers, cached on disk;
- :mod:`~analysis.calibration.fit`: ``estimate_msm`` and the outputs (fitted values, loss history,
  convergence figure);
- :mod:`~analysis.calibration.volatility`: annual-growth and firm-growth moments of a run.
"""
