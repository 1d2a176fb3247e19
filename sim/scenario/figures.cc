#include "warren/figures.h"

#include <algorithm>
#include <cstdio>

#include "sim/core/strings.h"

namespace warren {
namespace {

using internal::Cat;

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.insert(0, width - s.size(), ' ');
  return s;
}

std::string Latency(const DurationSummary& s) {
  if (s.count == 0) return "none settled";
  return Cat("p50 ", FormatSeconds(s.p50), "  p90 ", FormatSeconds(s.p90), "  p99 ",
             FormatSeconds(s.p99), "  max ", FormatSeconds(s.max));
}

std::string Outcomes(const std::map<std::string, uint64_t>& outcomes) {
  std::string out;
  for (const auto& [what, n] : outcomes) out += Cat(out.empty() ? "" : ", ", what, " ", n);
  return out;
}

}  // namespace

DurationSummary Summarize(std::vector<absl::Duration> samples) {
  DurationSummary s{.count = samples.size()};
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  // Nearest rank: the smallest sample with at least p% of them at or below it.
  auto rank = [&](int p) {
    size_t r = (samples.size() * static_cast<size_t>(p) + 99) / 100;
    return samples[std::max<size_t>(r, 1) - 1];
  };
  s.p50 = rank(50);
  s.p90 = rank(90);
  s.p99 = rank(99);
  s.max = samples.back();
  return s;
}

std::string FormatSeconds(absl::Duration d) {
  return Fixed(absl::ToDoubleSeconds(d), 3) + "s";
}

std::vector<std::string> FormatFigures(const RunFigures& f) {
  std::vector<std::string> out;
  out.push_back(Cat("figures over ", FormatSeconds(f.span), " of virtual time"));
  if (!f.queues.empty()) {
    size_t w = 5;
    for (const QueueFigures& q : f.queues) w = std::max(w, q.queue.size());
    std::string head = "queue";
    head.resize(w, ' ');
    out.push_back(Cat("  ", head, "  peak ready  mean ready  peak unacked  mean unacked"));
    for (const QueueFigures& q : f.queues) {
      std::string name = q.queue;
      name.resize(w, ' ');
      out.push_back(Cat("  ", name, Pad(std::to_string(q.peak_ready), 12),
                        Pad(Fixed(q.mean_ready, 3), 12), Pad(std::to_string(q.peak_unacked), 14),
                        Pad(Fixed(q.mean_unacked, 3), 14)));
    }
  }
  for (const MessageGroupFigures& g : f.messages) {
    out.push_back(Cat("  messages ", g.group, ": ", g.messages, ", latency ", Latency(g.latency),
                      " (", g.latency.count, " settled)"));
    out.push_back(Cat("    deliveries ", g.deliveries, " (", g.redeliveries,
                      " redelivered); outcomes: ", Outcomes(g.outcomes)));
  }
  for (const TaskFigures& t : f.tasks) {
    out.push_back(Cat("  tasks ", t.task, ": ", t.tasks, ", latency ", Latency(t.latency), " (",
                      t.latency.count, " finished)"));
    out.push_back(Cat("    retries ", t.retries, " (at most ", t.max_retries,
                      " for one task); outcomes: ", Outcomes(t.outcomes)));
  }
  return out;
}

}  // namespace warren
