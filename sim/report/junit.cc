#include "sim/report/junit.h"

#include <cstdio>

#include "sim/core/strings.h"
#include "sim/core/utf8.h"

namespace warren::report {
namespace {

using internal::Cat;

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

std::string Attr(std::string_view name, std::string_view value) {
  return Cat(" ", name, "=\"", XmlEscape(value), "\"");
}

// Appends one <testsuite>; adds its testcases and failed ones to the totals.
void WriteSuite(const ScenarioReport& run, std::string& out, size_t& tests, size_t& failed) {
  const ScenarioSpec& spec = *run.spec;
  std::vector<Check> checks = ChecksOf(spec, *run.result);
  if (run.determinism_checked) {
    checks.push_back({.pointer = "",
                      .name = "deterministic (a second run gives a byte-identical trace)",
                      .failures = run.divergence.empty() ? std::vector<std::string>{}
                                                         : std::vector{run.divergence}});
  }
  size_t failures = 0;
  for (const Check& c : checks) failures += c.failures.empty() ? 0 : 1;
  tests += checks.size();
  failed += failures;
  std::string suite = spec.name.empty() ? spec.file : Cat(spec.file, ": ", spec.name);
  out += Cat("  <testsuite", Attr("name", suite), Attr("tests", std::to_string(checks.size())),
             Attr("failures", std::to_string(failures)), Attr("errors", "0"),
             Attr("time", Seconds(run.wall_seconds)), ">\n");
  out += Cat("    <properties><property", Attr("name", "seed"),
             Attr("value", std::to_string(spec.options.seed)), "/></properties>\n");
  for (const Check& c : checks) {
    out += Cat("    <testcase", Attr("classname", spec.file), Attr("name", c.name), Attr("time", "0"));
    if (c.failures.empty()) {
      out += "/>\n";
      continue;
    }
    out += ">\n";
    for (const std::string& what : c.failures) {
      out += Cat("      <failure", Attr("message", what), Attr("type", "expectation"), ">",
                 XmlEscape(what), "</failure>\n");
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n";
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n = internal::Utf8SequenceAt(text, i);
    if (n == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
      out += "\xEF\xBF\xBD";  // U+FFFD: XML 1.0 cannot carry this byte
      ++i;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      case '\t': out += "&#9;"; break;
      default: out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string JUnitXml(const std::vector<ScenarioReport>& runs) {
  size_t tests = 0, failures = 0;
  std::string suites;
  for (const ScenarioReport& run : runs) WriteSuite(run, suites, tests, failures);
  return Cat("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", Attr("name", "warren run"),
             Attr("tests", std::to_string(tests)), Attr("failures", std::to_string(failures)), ">\n",
             suites, "</testsuites>\n");
}

}  // namespace warren::report
