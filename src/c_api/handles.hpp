// What the C ABI's opaque handles hold.
#pragma once

#include "guard.hpp"

#include <koc/tiers.hpp>

#include <memory>
#include <string>
#include <vector>

struct koc_tier_policy {
  koc::tier_policy policy;
};

struct koc_roster {
  koc::roster_view view;  // borrows the caller's columns, except those koc_roster_apply_tier_state fills:
  koc::tier_state_columns state;  // owned here, and `view` points into them
  koc::span<const std::uint8_t> caller_honorary;  // the caller's own flags, kept when the state replaced them
};

struct koc_tier_state {
  koc::tier_state state;
};

struct koc_problems {
  std::vector<koc::error> list;
};


struct koc_tier_overrides {
  std::vector<koc::tier_override> list;
};

struct koc_tier_result {
  koc::tier_result result;
  std::shared_ptr<const koc::tier_policy> policy;  // copy, so explain works after the policy handle is gone
  koc::roster_view roster;                         // borrowed, like the roster handle's
  std::vector<koc::tier_override> overrides;
  std::vector<std::int32_t> terms, gap_metrics;
};

struct koc_what_if {
  koc::what_if_result result;
};

namespace koc::c_api {

/// Copies `text` into a caller buffer with the size-query convention of koc.h.
inline koc_status write_string(const std::string& text, char* buf, std::size_t capacity, std::size_t* required) {
  if (required) *required = text.size();
  if (buf == nullptr && capacity == 0) return KOC_OK;
  if (buf == nullptr) return fail(KOC_ERROR_NULL_POINTER, "buf is NULL but capacity is not 0", -1, "buf");
  if (capacity < text.size() + 1)
    return fail(KOC_ERROR_BUFFER_TOO_SMALL,
                "buffer holds " + std::to_string(capacity) + " bytes, " + std::to_string(text.size() + 1) + " needed",
                -1, "capacity");
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  return KOC_OK;
}

#define KOC_REQUIRE(ptr)                                                                                  \
  do {                                                                                                  \
    if ((ptr) == nullptr) return ::koc::c_api::fail(KOC_ERROR_NULL_POINTER, #ptr " is NULL", -1, #ptr); \
  } while (0)

/// The body of every koc_*_problems function: checks out and limit, then hands out collect(limit)'s list.
template <class Collect>
koc_status problems_out(std::size_t limit, koc_problems** out, Collect&& collect) {
  KOC_REQUIRE(out);
  *out = nullptr;
  if (limit < 1) return ::koc::c_api::fail(KOC_ERROR_INVALID_ARGUMENT, "limit must be at least 1", -1, "limit");
  auto p = std::make_unique<koc_problems>();
  p->list = collect(limit);
  *out = p.release();
  return KOC_OK;
}

}  // namespace koc::c_api
