"""The value-chain network: complete, consistent, seeded, and right in its limiting cases."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import sector, write_folder

import sim
from sim.economy.world import build_world
from sim.scenario.parameters import ModelParameters


@pytest.fixture(scope="module")
def default_world():
    return build_world(sim.load_economy("default"), ModelParameters(), seed=0)


def test_every_firm_has_a_supplier_for_each_input(default_world):
    world = default_world
    net, economy = world.network, world.economy
    needed = (economy.a[:, world.firms.sector] > 0).sum(axis=0)  # inputs per firm
    pairs_per_firm = np.bincount(net.pair_buyer, minlength=world.n_firms)
    np.testing.assert_array_equal(pairs_per_firm, needed)
    shares = np.asarray(net.supplier_of_pair.sum(axis=0)).ravel()
    np.testing.assert_allclose(shares, 1.0, rtol=1e-12)  # each pair's order fully placed
    assert np.all(world.firms.sector[net.link_supplier] == net.pair_sector[net.link_pair])
    assert np.bincount(net.link_pair).min() >= 1 and np.bincount(net.link_pair).max() <= 3


def test_initial_state_solves_firm_level_leontief(default_world):
    world = default_world
    x, f = world.output0, world.final_demand
    residual = np.abs(x - world.w @ x - f) / np.abs(x).max()
    assert residual.max() < 1e-9
    assert np.all(x > 0)


def test_same_seed_same_network_other_seed_differs():
    economy = sim.load_economy("default")
    a = build_world(economy, ModelParameters(), seed=3).network
    b = build_world(economy, ModelParameters(), seed=3).network
    c = build_world(economy, ModelParameters(), seed=4).network
    assert (a.supplier_of_pair != b.supplier_of_pair).nnz == 0
    assert (a.supplier_of_pair != c.supplier_of_pair).nnz > 0


def test_gravity_prefers_near_and_large_suppliers(default_world):
    """Suppliers sit closer than a size-only draw would put them (gravity kernel)."""
    from sim.economy.network import province_distances

    world = default_world
    net = world.network
    d = province_distances(world.economy)
    buyer_prov = world.firms.province[net.pair_buyer[net.link_pair]]
    supplier_prov = world.firms.province[net.link_supplier]
    observed = d[buyer_prov, supplier_prov].mean()
    counts = world.economy.firm_counts  # (P, S)
    sector = net.pair_sector[net.link_pair]
    size_only = counts[:, sector].T / counts[:, sector].sum(axis=0)[:, None]  # (E, P) P(q | j)
    expected = (size_only * d[buyer_prov]).sum(axis=1).mean()
    assert observed < 0.8 * expected


def test_limiting_cases(tmp_path):
    """One supplier per input when max_suppliers = 1; a tiny distance scale keeps trade at home."""
    provinces = [
        {"code": "P1", "name": "One", "population": 1, "lat": 35.0, "lon": 51.0},
        {"code": "P2", "name": "Two", "population": 1, "lat": 30.0, "lon": 57.0},
    ]
    folder = write_folder(
        tmp_path / "two",
        sectors=[sector("A"), sector("B")],
        coefficients=[("A", "B", 0.3), ("B", "A", 0.2)],
        demand={(p, s): 10.0 for p in ("P1", "P2") for s in "AB"},
        provinces=provinces,
        firms={(p, s): 20 for p in ("P1", "P2") for s in "AB"},
    )
    economy = sim.load_economy(folder)
    single = build_world(economy, ModelParameters(max_suppliers=1), seed=0).network
    assert np.all(np.bincount(single.link_pair) == 1)
    local = build_world(economy, ModelParameters(distance_scale_km=1.0), seed=0)
    net = local.network
    same = local.firms.province[net.link_supplier] == local.firms.province[net.pair_buyer[net.link_pair]]
    assert same.all()


def test_graph_export(default_world, tmp_path):
    import networkx as nx

    world = default_world
    graph = world.network.to_networkx(world.firms, world.economy, world.output0)
    assert graph.number_of_nodes() == world.n_firms
    assert graph.number_of_edges() == world.network.supplier_of_pair.nnz - _self_and_parallel(world)
    node = graph.nodes[0]
    assert node["province"] in world.economy.province_codes and node["output"] > 0
    small = graph.subgraph(range(200)).copy()
    nx.write_graphml(small, tmp_path / "g.graphml")
    assert nx.read_graphml(tmp_path / "g.graphml").number_of_nodes() == 200


def _self_and_parallel(world) -> int:
    """Links that collapse in a simple DiGraph: one buyer's pairs sharing a supplier."""
    coo = world.network.supplier_of_pair.tocoo()
    buyers = world.network.pair_buyer[coo.col]
    edges = np.unique(np.stack([coo.row, buyers]), axis=1).shape[1]
    return coo.nnz - edges
