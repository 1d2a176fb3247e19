#include "sim/scenario/json_reader.h"

#include <sys/stat.h>

#include <fstream>
#include <set>
#include <vector>

#include "absl/strings/str_format.h"
#include "sim/amqp/limits.h"
#include "sim/core/strings.h"
#include "sim/scenario/json_cursor.h"

namespace warren::internal {
namespace {

using Json = nlohmann::ordered_json;
using Event = Json::parse_event_t;

// Thrown from the parse callback to stop the parse; never leaves this file.
struct Refused {
  std::string message;
};

// Follows the parse to know the JSON pointer of each value and the keys
// each open object has seen.
class Walker {
 public:
  bool operator()(int depth, Event event, Json& parsed) {
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        EnterValue();
        if (depth >= kMaxNesting) {
          throw Refused{Cat(Pointer(), ": expected at most ", kMaxNesting,
                            " levels of nested arrays and objects, got deeper ones")};
        }
        frames_.push_back({event == Event::object_start, {}, "", 0});
        break;
      case Event::key: {
        Frame& f = frames_.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second) {
          throw Refused{Cat(Pointer(), ": duplicate key (the object already has one named \"",
                            f.key, "\"; JSON readers would silently keep only the last)")};
        }
        break;
      }
      case Event::value:
        EnterValue();
        break;
      case Event::object_end:
      case Event::array_end:
        frames_.pop_back();
        break;
    }
    return true;
  }

 private:
  struct Frame {
    bool object;
    std::set<std::string> keys;  // objects: keys seen so far
    std::string key;             // objects: the current member's key
    size_t count;                // arrays: elements entered so far
  };
  // A value starts inside the innermost container: arrays count it.
  void EnterValue() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().count;
  }
  std::string Pointer() const {
    std::string out;
    for (const Frame& f : frames_) {
      out = f.object ? JoinPointer(out, f.key)
                     : Cat(out, "/", f.count == 0 ? 0 : f.count - 1);
    }
    return out.empty() ? "/" : out;
  }
  std::vector<Frame> frames_;
};

}  // namespace

absl::StatusOr<std::string> ReadScenarioFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(Cat(path, ": cannot open the file"));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(
        Cat(path, ": expected a regular file holding a JSON scenario, got ",
            S_ISDIR(st.st_mode) ? "a directory" : "a device, pipe or socket"));
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxScenarioBytes) {
    return absl::InvalidArgumentError(Cat(path, ": the file is ", st.st_size,
                                          " bytes; scenario files are limited to ",
                                          kMaxScenarioBytes, " bytes (64 MiB)"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(Cat(path, ": cannot open the file"));
  std::string text(static_cast<size_t>(st.st_size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

absl::StatusOr<Json> ParseJsonText(std::string_view text) {
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return absl::InvalidArgumentError(Cat("byte ", nul, ": a NUL byte; scenario files are "
                                          "JSON text and nothing after it would be read"));
  }
  Walker walker;
  try {
    return Json::parse(text.begin(), text.end(), std::ref(walker));
  } catch (const Refused& r) {
    return absl::InvalidArgumentError(r.message);
  } catch (const Json::exception& e) {  // parse_error, out_of_range (1e999)
    // nlohmann quotes the bytes it last read, which may be invalid UTF-8.
    std::string what;
    for (unsigned char ch : std::string_view(e.what())) {
      if (ch < 0x80) {
        what.push_back(static_cast<char>(ch));
      } else {
        what += absl::StrFormat("\\x%02x", ch);
      }
    }
    return absl::InvalidArgumentError(Cat("invalid JSON: ", what));
  }
}

}  // namespace warren::internal
