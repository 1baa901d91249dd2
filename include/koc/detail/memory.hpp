// Large result and work columns: huge-page hints, and sizing a reusable column for a new call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace koc::detail {

/// Asks Linux to back the 2 MB-aligned part of [p, p + bytes) with transparent huge pages (THP in
/// "always" or "madvise" mode): first touching a multi-megabyte column then costs one page fault per
/// 2 MB instead of one per 4 KB, which is most of the cost of a fresh result. A hint only: nothing
/// happens elsewhere, for small buffers, or when the kernel declines.
inline void advise_huge_pages(const void* p, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t huge = std::uintptr_t{1} << 21;
  const auto begin = (reinterpret_cast<std::uintptr_t>(p) + huge - 1) & ~(huge - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(huge - 1);
  if (end > begin) (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)p, (void)bytes;
#endif
}

/// Gives a result column n elements whose values the caller is about to overwrite, all of them. A
/// column with the capacity already (a result reused from the previous period) is only resized; a new
/// buffer gets the huge-page hint before its first touch. Old values are not kept.
template <class T>
inline void size_result_column(std::vector<T>& v, std::size_t n) {
  if (v.capacity() < n) {
    std::vector<T> fresh;
    fresh.reserve(n);
    advise_huge_pages(fresh.data(), n * sizeof(T));
    v.swap(fresh);
  }
  v.resize(n);
}

}  // namespace koc::detail
