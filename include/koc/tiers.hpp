// Tier classification: policy, batch classifier, explanations and policy what-if.
#pragma once
#include <koc/roster.hpp>
#include <koc/tiers/classify.hpp>
#include <koc/tiers/explain.hpp>
#include <koc/tiers/ladder.hpp>
#include <koc/tiers/policy.hpp>
#include <koc/tiers/state.hpp>
#include <koc/tiers/what_if.hpp>
