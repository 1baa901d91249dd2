// KOC_DISPATCH_AVX2: marks a hot column kernel to be compiled for AVX2 as well as for the baseline
// instruction set, the better one chosen when the program loads (GCC's target_clones, an ifunc).
//
// Why it is safe for determinism: target("avx2") does not enable FMA, so both clones perform the same
// IEEE double operations in the same order and return the same bits; only the speed differs (the tier
// benchmark's checksum is the same in both). Where it is off: Clang 14 cannot emit target_clones for an
// inline function used in several translation units, and other platforms have no ifunc, so those builds
// get the baseline kernels. Define KOC_NO_RUNTIME_DISPATCH to turn it off everywhere.
#pragma once

#if !defined(KOC_NO_RUNTIME_DISPATCH) && defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__linux__)
#define KOC_DISPATCH_AVX2 __attribute__((target_clones("avx2", "default")))
#else
#define KOC_DISPATCH_AVX2
#endif

// KOC_ALWAYS_INLINE: a loop body helper that must be inlined into each dispatched clone (a call to an
// out-of-line copy would run the baseline code inside the AVX2 clone).
#if defined(__GNUC__) || defined(__clang__)
#define KOC_ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define KOC_ALWAYS_INLINE inline
#endif
