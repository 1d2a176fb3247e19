// Command-line flags for the warren subcommands: "--name VALUE" or
// "--name=VALUE", switches, positional arguments. A repeated option, an
// unknown option or a bad value is a usage error (exit 2), never silently
// the last one or ignored.
#ifndef WARREN_SIM_CLI_FLAGS_H_
#define WARREN_SIM_CLI_FLAGS_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace warren::cli {

class FlagParser {
 public:
  FlagParser(std::string_view command, const std::vector<std::string>& args)
      : command_(command), args_(args) {}

  // Moves to the next argument; false at the end or after an error.
  bool Next();
  // Each returns true when the current argument is that option (consumed,
  // even if its value was bad: then ok() is false).
  bool Switch(std::string_view name, bool& out);
  bool Value(std::string_view name, std::string& out);
  bool Int(std::string_view name, int64_t min, int64_t max, std::optional<int64_t>& out);
  // --seed N: the range scenario files allow, 0 to 2^63-1.
  bool Seed(std::optional<uint64_t>& out);
  // A non-option argument; an unknown "--option" is an error (false).
  bool Positional(std::vector<std::string>& out);
  bool ok() const { return ok_; }

 private:
  // Matches the current argument against `name`; sets value_ from
  // "--name=V" or the next argument. False if it is another option.
  bool Match(std::string_view name, bool takes_value);
  bool Fail(const std::string& message);

  std::string_view command_;
  const std::vector<std::string>& args_;
  size_t next_ = 0;
  std::string current_;
  std::string value_;
  std::set<std::string, std::less<>> seen_;
  bool ok_ = true;
};

}  // namespace warren::cli

#endif  // WARREN_SIM_CLI_FLAGS_H_
