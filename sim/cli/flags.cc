#include "sim/cli/flags.h"

#include <iostream>

#include "absl/strings/numbers.h"

namespace warren::cli {

bool FlagParser::Fail(const std::string& message) {
  std::cerr << command_ << ": " << message << "\n";
  ok_ = false;
  return true;
}

bool FlagParser::Next() {
  if (!ok_ || next_ >= args_.size()) return false;
  current_ = args_[next_++];
  return true;
}

bool FlagParser::Match(std::string_view name, bool takes_value) {
  std::string_view arg = current_;
  if (arg.substr(0, name.size()) != name) return false;
  std::string_view rest = arg.substr(name.size());
  if (!rest.empty() && !(takes_value && rest.front() == '=')) return false;
  if (!seen_.insert(std::string(name)).second) {
    return !Fail(std::string(name) + " given twice");
  }
  if (!takes_value) return true;
  if (!rest.empty()) {
    value_ = std::string(rest.substr(1));
  } else if (next_ < args_.size()) {
    value_ = args_[next_++];
  } else {
    return !Fail(std::string(name) + " needs a value");
  }
  return true;
}

bool FlagParser::Switch(std::string_view name, bool& out) {
  if (!Match(name, false)) return !ok_;
  out = true;
  return true;
}

bool FlagParser::Value(std::string_view name, std::string& out) {
  if (!Match(name, true)) return !ok_;
  out = value_;
  return true;
}

bool FlagParser::Int(std::string_view name, int64_t min, int64_t max,
                     std::optional<int64_t>& out) {
  if (!Match(name, true)) return !ok_;
  int64_t v;
  if (!absl::SimpleAtoi(value_, &v) || v < min || v > max) {
    return Fail(std::string(name) + " expects an integer in [" + std::to_string(min) + ", " +
                std::to_string(max) + "], got \"" + value_ + "\"");
  }
  out = v;
  return true;
}

bool FlagParser::Seed(std::optional<uint64_t>& out) {
  std::optional<int64_t> v;
  if (!Int("--seed", 0, INT64_MAX, v)) return false;
  if (v) out = static_cast<uint64_t>(*v);
  return true;
}

bool FlagParser::Positional(std::vector<std::string>& out) {
  if (current_.size() > 1 && current_.rfind("--", 0) == 0) {
    Fail("unknown option " + current_);
    return false;
  }
  out.push_back(current_);
  return true;
}

}  // namespace warren::cli
