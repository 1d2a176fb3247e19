// `warren run --junit FILE`: JUnit XML as CI systems read it (Jenkins,
// GitLab, GitHub test reporters): one <testsuite> per scenario file, one
// <testcase> per check (see checks.h), a <failure> per failed check with
// what was expected and what happened.
#ifndef WARREN_SIM_REPORT_JUNIT_H_
#define WARREN_SIM_REPORT_JUNIT_H_

#include <string>
#include <string_view>
#include <vector>

#include "sim/report/checks.h"

namespace warren::report {

std::string JUnitXml(const std::vector<ScenarioReport>& runs);

// Text escaped for an XML attribute or element; characters XML 1.0 cannot
// hold (control bytes, invalid UTF-8) become U+FFFD.
std::string XmlEscape(std::string_view text);

}  // namespace warren::report

#endif  // WARREN_SIM_REPORT_JUNIT_H_
