"""Iran's recorded history and the model's replays of it.

- :mod:`~analysis.history.records`: the packaged recorded data and the recorded swings;
- :mod:`~analysis.history.episodes`: simulated swings of an episode against its shock-free twin;
- :mod:`~analysis.history.report`: recorded against simulated, as a table.
"""
