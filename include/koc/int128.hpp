// 128-bit integers for exact intermediates: sums of int64 duals and reduced costs, a*b/c of int64 money.
// GCC and Clang provide them; __extension__ keeps -Wpedantic quiet. The one place koc names them.
#pragma once

namespace koc {

__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

}  // namespace koc
