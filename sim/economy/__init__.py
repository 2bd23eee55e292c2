"""Economy and network: the data of a run and the world built from it, fixed during a run.

- :mod:`sim.economy.cell_economy`: :class:`Economy`, the province x sector tables of a data folder;
- :mod:`sim.economy.tables`: reading and checking the folder's CSV tables;
- :mod:`sim.economy.mrio`: an economy from a pymrio input-output system;
- :mod:`sim.economy.firms`: the firm population drawn in each cell;
- :mod:`sim.economy.network`: the supply network (who buys each input from whom);
- :mod:`sim.economy.world`: :class:`World`, firms + network + the consistent month-0 state, and
  :class:`WorldParameters`, the parameters it is built from;
- :mod:`sim.economy.export`: writing an economy or a world to files.
"""

from sim.economy.cell_economy import Economy, default_data_dir, load_economy, resolve_data_dir
from sim.economy.world import World, WorldParameters, build_world

__all__ = ["Economy", "World", "WorldParameters", "build_world", "default_data_dir", "load_economy", "resolve_data_dir"]
