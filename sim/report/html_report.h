// `warren run --html FILE`: one self-contained page (inline CSS, SVG and
// script; no network) per run of one or more scenarios: message lanes,
// queue depth plots, figures, checks, Celery task rows and event feed, with
// a time window to zoom into.
#ifndef WARREN_SIM_REPORT_HTML_REPORT_H_
#define WARREN_SIM_REPORT_HTML_REPORT_H_

#include <string>
#include <vector>

#include "sim/report/checks.h"
#include "sim/report/html_timeline.h"

namespace warren::report {

struct HtmlSection {
  const ScenarioReport* run = nullptr;
  const HtmlTimeline* timeline = nullptr;
};

std::string HtmlReport(const std::vector<HtmlSection>& sections);

}  // namespace warren::report

#endif  // WARREN_SIM_REPORT_HTML_REPORT_H_
