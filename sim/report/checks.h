// What a scenario run checked, one entry per check: each expectation, each
// step or client that had to fail with a reply code, and the run itself
// (step errors). The unit of the JUnit and JSON reports.
#ifndef WARREN_SIM_REPORT_CHECKS_H_
#define WARREN_SIM_REPORT_CHECKS_H_

#include <string>
#include <vector>

#include "warren/scenario.h"

namespace warren::report {

struct Check {
  std::string pointer;  // "/expect/3", "/timeline/2", "client \"c\"", "" for the run
  std::string name;     // "/expect/3 queue dlq"
  std::vector<std::string> failures;  // "what: expected X, got Y"; empty: it held
};

// "queue dlq", "fate job", "event delivered in q", "counter published", ...
std::string DescribeExpectation(const Expectation& e);

// In file order: the run (its step errors), then steps and clients that
// expected an error, then the expectations.
std::vector<Check> ChecksOf(const ScenarioSpec& spec, const ScenarioResult& result);

// Reports handed to the writers: one per scenario file run.
struct ScenarioReport {
  const ScenarioSpec* spec = nullptr;
  const ScenarioResult* result = nullptr;
  bool determinism_checked = false;
  std::string divergence;  // when checked: empty if the second run matched
  double wall_seconds = 0;  // how long the run took (JUnit's time)
};

}  // namespace warren::report

#endif  // WARREN_SIM_REPORT_CHECKS_H_
