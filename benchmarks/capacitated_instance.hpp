// Reads the benchmark instance files written by benchmarks/assignment_families.py (format documented
// there): a candidate graph (CSR over KOCs), capacities, slots, the objective and the score resolution.
#pragma once

#include <koc/matching/capacitated_assignment.hpp>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace koc_bench {

struct capacitated_instance {
  std::string name;
  koc::candidate_graph g;
  std::vector<std::int32_t> capacity, slots;
  koc::capacitated_assignment_options options;
};

inline capacitated_instance read_capacitated_instance(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw std::runtime_error(path + ": cannot open");
  auto read = [&](void* to, std::size_t size, std::size_t n) {
    if (n && std::fread(to, size, n, f.get()) != n) throw std::runtime_error(path + ": truncated");
  };
  char magic[8];
  read(magic, 1, 8);
  if (std::memcmp(magic, "KOCCAP01", 8) != 0) throw std::runtime_error(path + ": not a KOCCAP01 instance");
  std::int64_t sizes[3];
  std::int32_t objective[2];
  double resolution = 0;
  read(sizes, 8, 3);
  read(objective, 4, 2);
  read(&resolution, 8, 1);
  capacitated_instance in;
  const auto slash = path.find_last_of('/');
  in.name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  in.g.n_kocs = static_cast<std::size_t>(sizes[0]);
  in.g.n_tasks = static_cast<std::size_t>(sizes[1]);
  const auto n_pairs = static_cast<std::size_t>(sizes[2]);
  in.g.offsets.resize(in.g.n_kocs + 1);
  in.g.task.resize(n_pairs);
  in.g.score.resize(n_pairs);
  in.capacity.resize(in.g.n_kocs);
  in.slots.resize(in.g.n_tasks);
  read(in.g.offsets.data(), 8, in.g.offsets.size());
  read(in.g.task.data(), 4, n_pairs);
  read(in.g.score.data(), 8, n_pairs);
  read(in.capacity.data(), 4, in.capacity.size());
  read(in.slots.data(), 4, in.slots.size());
  in.options.objective = objective[0] == 0 ? koc::capacitated_objective::max_score : koc::capacitated_objective::max_fill_then_score;
  in.options.score_resolution = resolution;
  return in;
}

}  // namespace koc_bench
