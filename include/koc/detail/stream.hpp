// koc::detail::stream_copy: copy a chunk of a result column to memory with non-temporal stores.
//
// Why: a column pass over a large roster writes each result column once and does not read it again.
// Ordinary stores first read every destination cache line from memory (write-allocate) and then evict
// it, so each byte written costs two bytes of memory traffic; non-temporal stores write whole lines
// without reading them. For rosters whose results do not fit in the cache this is a third less memory
// traffic for tier classification. Small results should stay in the cache for the caller: the caller
// decides (see `streaming_worthwhile`).
//
// On x86-64 (SSE2 is part of the baseline) the bulk goes through _mm_stream_si128 from 16-byte-aligned
// destinations, with ordinary stores for the unaligned head and the tail; elsewhere it is std::copy.
// Call stream_fence() once after the last stream_copy of a pass, before the results are published to
// another thread (non-temporal stores are weakly ordered).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__SSE2__) && !defined(KOC_NO_STREAMING_STORES)
#include <emmintrin.h>
#define KOC_HAS_STREAMING_STORES 1
#endif

namespace koc::detail {

/// True when `bytes` of results are worth writing past the cache: more than a typical last-level cache.
constexpr bool streaming_worthwhile(std::size_t bytes) noexcept { return bytes >= (std::size_t{64} << 20); }

/// dst[0, n) = src[0, n), with non-temporal stores where the platform has them.
template <class T>
inline void stream_copy(T* dst, const T* src, std::size_t n) noexcept {
  static_assert(std::is_trivially_copyable<T>::value, "stream_copy copies bytes");
#ifdef KOC_HAS_STREAMING_STORES
  auto* d = reinterpret_cast<unsigned char*>(dst);
  const auto* s = reinterpret_cast<const unsigned char*>(src);
  std::size_t bytes = n * sizeof(T);
  const std::size_t head = std::min(bytes, (16 - reinterpret_cast<std::uintptr_t>(d) % 16) % 16);
  std::memcpy(d, s, head);
  d += head;
  s += head;
  bytes -= head;
  for (; bytes >= 16; bytes -= 16, d += 16, s += 16)
    _mm_stream_si128(reinterpret_cast<__m128i*>(d), _mm_loadu_si128(reinterpret_cast<const __m128i*>(s)));
  std::memcpy(d, s, bytes);
#else
  std::copy(src, src + n, dst);
#endif
}

/// Orders the non-temporal stores issued so far before any later store.
inline void stream_fence() noexcept {
#ifdef KOC_HAS_STREAMING_STORES
  _mm_sfence();
#endif
}

}  // namespace koc::detail
