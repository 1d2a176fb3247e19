// Fuzzes the scenario loader (outside input: JSON files users write) and,
// when a file loads, runs it with a bounded budget: loading must never
// crash, and a loaded scenario must run with its accounting intact.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string_view>

#include "warren/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<warren::ScenarioSpec> spec = warren::ParseScenario(text, "fuzz.json");
  if (!spec.ok()) {
    if (spec.status().message().empty()) std::abort();  // an error must say something
    return 0;
  }
  // Bound the run: virtual time, events per advance and publish counts.
  spec->run_for = std::min(spec->run_for, absl::Seconds(120));
  spec->max_events = std::min<int64_t>(spec->max_events, 20000);
  // Dead-letter fan-out grows copies exponentially within one event; a small
  // live-message bound trips it in milliseconds instead of seconds (and fuzzes
  // that bound too).
  spec->options.max_live_messages = std::min<uint64_t>(spec->options.max_live_messages, 20000);
  for (warren::ScenarioStep& s : spec->timeline) {
    s.at = std::min(s.at, absl::Seconds(120));
    if (auto* p = std::get_if<warren::PublishStep>(&s.action)) p->count = std::min(p->count, 50);
  }
  // A small observation bound keeps an exploding input fast (and fuzzes the bound).
  warren::ScenarioResult result =
      warren::RunScenario(*spec, {.observe = true, .max_observed_messages = 2000});
  // The runner reports a broken invariant as its own error, prefixed so; a
  // step error may quote any name from the input (a fuzzed exchange named
  // "...accounting invariant broken..." is not one).
  for (const std::string& e : result.step_errors) {
    if (e.rfind("accounting invariant broken: ", 0) == 0) {
      std::fprintf(stderr, "%s\n", e.c_str());
      std::abort();
    }
  }
  (void)warren::ObservationToJson(result.observation);
  return 0;
}
