#include "sim/report/checks.h"

#include <map>

#include "sim/core/overloaded.h"
#include "sim/core/strings.h"
#include "sim/scenario/expect_parser.h"

namespace warren::report {

using internal::Cat;

std::string DescribeExpectation(const Expectation& e) {
  // The JSON key that selected the check (the parser's table is in
  // variant order), then its subject.
  std::string key(internal::ExpectationKeys()[e.check.index()]);
  std::string subject = std::visit(
      internal::Overloaded{
          [](const QueueExpectation& x) { return x.queue; },
          [](const QueueGoneExpectation& x) { return x.queue; },
          [](const FateExpectation& x) { return x.label; },
          [](const EventCountExpectation& x) {
            return x.queue.empty() ? x.event : Cat(x.event, " in ", x.queue);
          },
          [](const CounterExpectation& x) { return x.counter; },
          [](const TaskExpectation& x) { return x.label; },
          [](const TasksInStateExpectation& x) { return x.state; },
          [](const CeleryEventExpectation& x) { return x.event; },
          [](const ClientExpectation& x) { return x.client; },
      },
      e.check);
  std::string at = e.at ? Cat(" at ", absl::ToInt64Milliseconds(*e.at), " ms") : "";
  return Cat(key, " ", subject, at);
}

std::vector<Check> ChecksOf(const ScenarioSpec& spec, const ScenarioResult& result) {
  std::map<std::string, std::vector<std::string>> failed;  // pointer -> whats
  for (const ExpectationFailure& f : result.failures) failed[f.pointer].push_back(f.what);
  std::vector<Check> checks;
  checks.push_back({.pointer = "", .name = "run", .failures = result.step_errors});
  auto add = [&](const std::string& pointer, std::string name) {
    auto it = failed.find(pointer);
    checks.push_back({.pointer = pointer,
                      .name = Cat(pointer, " ", name),
                      .failures = it == failed.end() ? std::vector<std::string>{} : it->second});
    if (it != failed.end()) failed.erase(it);
  };
  for (const ScenarioStep& s : spec.timeline) {
    if (s.expect_error) {
      add(s.pointer, s.expect_error->code != 0 ? Cat("fails with ", s.expect_error->code)
                                               : "is refused");
    }
  }
  for (const ScenarioClient& c : spec.clients) {
    if (c.expect_error) add(Cat("client \"", c.name, "\""), Cat("fails with ", c.expect_error->code));
  }
  for (const Expectation& e : spec.expectations) add(e.pointer, DescribeExpectation(e));
  // A failure under a pointer no check names (none today) is not lost.
  for (auto& [pointer, whats] : failed) {
    checks.push_back({.pointer = pointer, .name = pointer, .failures = std::move(whats)});
  }
  return checks;
}

}  // namespace warren::report
