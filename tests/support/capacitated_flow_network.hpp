// A test oracle, not part of the library. The capacitated assignment as a Boost.Graph min-cost max-flow network, for BGL's own algorithms
// (successive_shortest_path_nonnegative_weights, cycle_canceling) as independent oracles.
//
//   auto net = koc::build_capacitated_flow_network(g, capacity, slots, options);
//   boost::successive_shortest_path_nonnegative_weights(net.graph, net.source, net.sink);
//   auto out = koc::read_capacitated_flow(net, g);   // out.assigned, out.total_score_units
//
// All costs are non-negative, as that BGL algorithm needs. With W = 1 + max w_p:
//   S -> KOC k     capacity capacity[k], cost 0
//   KOC k -> t     capacity 1,           cost W - w_p   (every pair under max_fill_then_score; only
//                                                       w_p > 0 under max_score)
//   t -> Z         capacity slots[t],    cost 0
//   KOC k -> Z     capacity capacity[k], cost W         (max_score only: "stay unassigned")
// A min-cost maximum flow then has cost W * flow - sum(w) under max_fill_then_score (every
// augmenting path uses one more pair arc than it frees), and W * sum(capacity) - sum(w) under
// max_score (every KOC unit flows, through a task or through its bypass), so it maximises the same
// objective as solve_capacitated_assignment. Complexity of building: O(n_kocs + n_tasks + n_pairs).
#pragma once

#include <koc/matching/capacitated_assignment.hpp>

#include <boost/graph/adjacency_list.hpp>

#include <cstdint>
#include <vector>

namespace koc {

struct capacitated_flow_network {
  using traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
  using edge = traits::edge_descriptor;
  using graph_type = boost::adjacency_list<
      boost::vecS, boost::vecS, boost::directedS, boost::no_property,
      boost::property<boost::edge_capacity_t, long,
                      boost::property<boost::edge_residual_capacity_t, long,
                                      boost::property<boost::edge_reverse_t, edge,
                                                      boost::property<boost::edge_weight_t, long>>>>>;
  using vertex = boost::graph_traits<graph_type>::vertex_descriptor;

  graph_type graph;
  vertex source = 0, sink = 0;
  std::vector<std::int64_t> pair_edge;  ///< per input pair: index into `edges`, or -1 (not an arc)
  std::vector<edge> edges;              ///< forward edges in insertion order
  std::vector<std::int64_t> w;          ///< integerised scores
};

/// Builds the network (vertices: 0 = S, 1..n_kocs = KOCs, then the tasks, last = Z).
inline capacitated_flow_network build_capacitated_flow_network(const candidate_view& g,
                                                               span<const std::int32_t> capacity,
                                                               span<const std::int32_t> slots,
                                                               const capacitated_assignment_options& options) {
  detail::check_capacitated_input(g, capacity, slots, options);
  capacitated_flow_network net;
  net.w = detail::integerise_scores(g, options.score_resolution);
  const bool max_score = options.objective == capacitated_objective::max_score;
  std::int64_t top = 0;
  for (auto x : net.w) top = std::max(top, x);
  const long W = static_cast<long>(top) + 1;
  const std::size_t n = g.n_kocs + g.n_tasks + 2;
  net.graph = capacitated_flow_network::graph_type(n);
  net.source = 0;
  net.sink = n - 1;
  auto cap = boost::get(boost::edge_capacity, net.graph);
  auto rev = boost::get(boost::edge_reverse, net.graph);
  auto cost = boost::get(boost::edge_weight, net.graph);
  const auto add = [&](std::size_t u, std::size_t v, long c, long weight) {
    const auto e = boost::add_edge(u, v, net.graph).first;
    const auto r = boost::add_edge(v, u, net.graph).first;
    cap[e] = c;
    cap[r] = 0;
    cost[e] = weight;
    cost[r] = -weight;
    rev[e] = r;
    rev[r] = e;
    net.edges.push_back(e);
    return static_cast<std::int64_t>(net.edges.size() - 1);
  };
  const auto koc_vertex = [](std::size_t k) { return 1 + k; };
  const auto task_vertex = [&](std::size_t t) { return 1 + g.n_kocs + t; };
  for (std::size_t k = 0; k < g.n_kocs; ++k) {
    add(net.source, koc_vertex(k), capacity[k], 0);
    if (max_score) add(koc_vertex(k), net.sink, capacity[k], W);
  }
  for (std::size_t t = 0; t < g.n_tasks; ++t) add(task_vertex(t), net.sink, slots[t], 0);
  net.pair_edge.assign(g.n_pairs(), -1);
  for (std::size_t k = 0; k < g.n_kocs; ++k)
    for (auto p = g.offsets[k]; p < g.offsets[k + 1]; ++p) {
      const auto pp = static_cast<std::size_t>(p);
      if (max_score && net.w[pp] <= 0) continue;
      net.pair_edge[pp] = add(koc_vertex(k), task_vertex(static_cast<std::size_t>(g.task[pp])), 1,
                              W - static_cast<long>(net.w[pp]));
    }
  return net;
}

struct capacitated_flow_readout {
  std::int64_t assigned = 0;           ///< pairs carrying flow
  std::int64_t total_score_units = 0;  ///< their integerised scores, summed
  std::vector<std::int64_t> pair;      ///< the pairs carrying flow, ascending
};

/// Reads the chosen pairs off a solved network (flow = capacity - residual capacity).
inline capacitated_flow_readout read_capacitated_flow(const capacitated_flow_network& net, const candidate_view& g) {
  capacitated_flow_readout out;
  const auto cap = boost::get(boost::edge_capacity, net.graph);
  const auto res = boost::get(boost::edge_residual_capacity, net.graph);
  for (std::size_t p = 0; p < g.n_pairs(); ++p) {
    const auto i = net.pair_edge[p];
    if (i < 0) continue;
    const auto e = net.edges[static_cast<std::size_t>(i)];
    if (cap[e] - res[e] > 0) {
      ++out.assigned;
      out.total_score_units += net.w[p];
      out.pair.push_back(static_cast<std::int64_t>(p));
    }
  }
  return out;
}

}  // namespace koc
