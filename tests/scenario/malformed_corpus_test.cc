// A corpus of malformed scenario files (tests/scenario/malformed/), each with
// the exact error it must produce: one line naming the file, the JSON pointer
// (or line and column for broken JSON), what was expected and what was found.
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "warren/scenario.h"

namespace warren {
namespace {

const std::string kDir = WARREN_MALFORMED_DIR;

// file name -> expected message after "<path>: ".
std::map<std::string, std::string> ExpectedErrors() {
  std::map<std::string, std::string> out;
  std::ifstream in(kDir + "/expected_errors.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    out[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return out;
}

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(MalformedCorpus, HasAtLeastFortyFilesEachWithAnExpectedError) {
  std::vector<std::string> files = CorpusFiles();
  std::map<std::string, std::string> expected = ExpectedErrors();
  EXPECT_GE(files.size(), 40u);
  for (const std::string& f : files) EXPECT_TRUE(expected.contains(f)) << f << " has no entry";
  for (const auto& [f, _] : expected) {
    EXPECT_TRUE(std::filesystem::exists(kDir + "/" + f)) << "entry for a missing file " << f;
  }
}

class MalformedFile : public ::testing::TestWithParam<std::string> {};

TEST_P(MalformedFile, FailsToLoadWithItsExactOneLineError) {
  const std::string path = kDir + "/" + GetParam();
  absl::StatusOr<ScenarioSpec> spec = LoadScenarioFile(path);
  ASSERT_FALSE(spec.ok()) << GetParam() << " loaded";
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  std::string message(spec.status().message());
  EXPECT_EQ(message, path + ": " + ExpectedErrors()[GetParam()]);
  EXPECT_EQ(message.find('\n'), std::string::npos) << "one line";
}

INSTANTIATE_TEST_SUITE_P(Corpus, MalformedFile, ::testing::ValuesIn(CorpusFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 5);
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace warren
