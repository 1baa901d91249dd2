// koc version. Bumped by CMake's project(VERSION); the C ABI repeats these as KOC_VERSION_* macros.
#pragma once

#define KOC_CXX_VERSION_MAJOR 0
#define KOC_CXX_VERSION_MINOR 1
#define KOC_CXX_VERSION_PATCH 0

namespace koc {
/// major * 10000 + minor * 100 + patch, as sqlite and zstd encode it.
constexpr int version_number = KOC_CXX_VERSION_MAJOR * 10000 + KOC_CXX_VERSION_MINOR * 100 + KOC_CXX_VERSION_PATCH;
}  // namespace koc
