// Times koc::solve_dense_assignment on raw float64 row-major matrices read from files.
//
//   bench_dense_assignment [--repeat R] [--maximize] FILE ROWS COLS [FILE ROWS COLS ...]
//
// For each matrix prints one line:  file rows cols best_seconds median_seconds total_cost verify
// (best and median over R solves, reading the file excluded; verify = ok|FAIL, checked once, untimed).
// benchmarks/dense_assignment_vs_scipy.py generates the matrices and runs scipy on the same ones.
#include <koc/matching/dense_assignment.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  int repeat = 3;
  koc::dense_assignment_options options;
  std::vector<std::string> args;
  for (int k = 1; k < argc; ++k) {
    const std::string a = argv[k];
    if (a == "--repeat" && k + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++k]));
    } else if (a == "--maximize") {
      options.maximize = true;
    } else {
      args.push_back(a);
    }
  }
  if (args.empty() || args.size() % 3 != 0) {
    std::fprintf(stderr, "usage: %s [--repeat R] [--maximize] FILE ROWS COLS [FILE ROWS COLS ...]\n", argv[0]);
    return 2;
  }
  for (std::size_t t = 0; t < args.size(); t += 3) {
    const std::string& file = args[t];
    const auto rows = static_cast<std::size_t>(std::strtoull(args[t + 1].c_str(), nullptr, 10));
    const auto cols = static_cast<std::size_t>(std::strtoull(args[t + 2].c_str(), nullptr, 10));
    std::vector<double> cost(rows * cols);
    std::ifstream in(file, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(cost.data()), static_cast<std::streamsize>(cost.size() * sizeof(double)))) {
      std::fprintf(stderr, "cannot read %zu x %zu doubles from %s\n", rows, cols, file.c_str());
      return 1;
    }
    std::vector<double> seconds;
    koc::dense_assignment_result result;
    for (int r = 0; r < repeat; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      result = koc::solve_dense_assignment(cost.data(), rows, cols, options);
      const auto t1 = std::chrono::steady_clock::now();
      seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
    }
    std::sort(seconds.begin(), seconds.end());
    const auto check = koc::verify(cost.data(), rows, cols, result);
    std::printf("%s %zu %zu %.6f %.6f %.17g %s\n", file.c_str(), rows, cols, seconds.front(),
                seconds[seconds.size() / 2], result.total_cost, check.ok ? "ok" : "FAIL");
    if (!check.ok) std::fprintf(stderr, "verify: %s\n", check.message.c_str());
  }
  return 0;
}
