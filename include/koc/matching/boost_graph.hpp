// Boost.Graph views of matching data: the one public header that needs Boost.
//
//   auto bg = koc::to_boost_graph(candidates);     // bipartite KOC–task graph, edge_weight = fit score
//   // vertex k (< n_kocs) is KOC k, vertex n_kocs + t is task t; usable with any BGL algorithm
//
// Team pairing, once here, is koc/matching/teams.hpp (included below for code that included this
// header for it).
#pragma once

#include <koc/matching/candidates.hpp>
#include <koc/matching/teams.hpp>

#include <boost/graph/adjacency_list.hpp>

#include <cstddef>

namespace koc {

template <class Weight = double>
using bgl_weighted_graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                                 boost::property<boost::edge_weight_t, Weight>>;

/// The candidate graph as an undirected BGL graph: n_kocs + n_tasks vertices (KOCs first), one edge per
/// candidate pair in pair order, edge_weight = score converted to Weight.
template <class Weight = double>
bgl_weighted_graph<Weight> to_boost_graph(const candidate_view& g) {
  validate(g);
  bgl_weighted_graph<Weight> bg(g.n_kocs + g.n_tasks);
  for (std::size_t k = 0; k < g.n_kocs; ++k)
    for (auto e = g.offsets[k]; e < g.offsets[k + 1]; ++e) {
      const auto i = static_cast<std::size_t>(e);
      boost::add_edge(k, g.n_kocs + static_cast<std::size_t>(g.task[i]), static_cast<Weight>(g.score[i]), bg);
    }
  return bg;
}

}  // namespace koc
