// The `plume` binary end to end: exit codes and messages on bad input, search on real fiches.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "testing/kb_fixture.h"
#include "testing/test_util.h"

namespace plume {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

CliRun Plume(const std::string& args, const std::string& stdin_file = "") {
  std::string cmd = std::string(PLUME_CLI_PATH) + " --quiet --resources " +
                    Quote(PLUME_RESOURCE_DIR) + " " + args + " 2>&1";
  if (!stdin_file.empty()) cmd += " < " + Quote(stdin_file);
  CliRun r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    std::filesystem::path vdd = testing::MakeVddSubset(dir_->path(), 10);
    data_ = "--data-dir " + Quote((dir_->path() / "data").string()) + " ";
    CliRun r = Plume(data_ + "kb ingest --no-travail --vdd " + Quote(vdd.string()));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  static void TearDownTestSuite() { delete dir_; }
  static testing::TempDir* dir_;
  static std::string data_;
};
testing::TempDir* CliTest::dir_ = nullptr;
std::string CliTest::data_;

TEST_F(CliTest, HelpOnEverySubcommand) {
  for (const char* sub : {"", "kb", "kb ingest", "kb index", "kb show", "kb stats", "search",
                          "eval", "eval retrieval", "serve"}) {
    CliRun r = Plume(std::string(sub) + " --help");
    EXPECT_EQ(r.exit_code, 0) << sub << ": " << r.output;
    EXPECT_NE(r.output.find("Usage"), std::string::npos) << sub;
  }
}

TEST_F(CliTest, SearchPrintsTopResults) {
  CliRun r = Plume(data_ + "search \"perte carte d'identité\" -n 3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("F1344"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("https://www.service-public.fr/particuliers/vosdroits/F1344"),
            std::string::npos);
}

TEST_F(CliTest, QueryFromStdin) {
  auto file = dir_->path() / "q.txt";
  std::ofstream(file) << "Bonjour, j'ai perdu ma carte d'identité hier.";
  CliRun r = Plume(data_ + "search -", file.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("F1344"), std::string::npos);
}

TEST_F(CliTest, BadInputGivesClearErrorsAndExitCode2) {
  CliRun empty = Plume(data_ + "search ''");
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.output.find("empty query"), std::string::npos) << empty.output;

  auto big = dir_->path() / "big.txt";
  std::ofstream(big) << std::string(1 << 20, 'a');
  CliRun huge = Plume(data_ + "search -", big.string());
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_NE(huge.output.find("too long"), std::string::npos) << huge.output.substr(0, 300);

  auto bad_utf8 = dir_->path() / "bad.txt";
  std::ofstream(bad_utf8) << "carte \xff\xfe";
  CliRun utf8 = Plume(data_ + "search -", bad_utf8.string());
  EXPECT_EQ(utf8.exit_code, 2);
  EXPECT_NE(utf8.output.find("UTF-8"), std::string::npos) << utf8.output;

  CliRun unknown = Plume(data_ + "kb show particuliers/F999999");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown document"), std::string::npos) << unknown.output;

  CliRun missing = Plume(data_ + "kb ingest --no-travail --vdd /nonexistent/fiches");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("/nonexistent/fiches"), std::string::npos) << missing.output;

  CliRun bad_flag = Plume(data_ + "search carte --limit nope");
  EXPECT_EQ(bad_flag.exit_code, 2) << bad_flag.output;
}

TEST_F(CliTest, NoIndexYet) {
  testing::TempDir empty;
  CliRun r = Plume("--data-dir " + Quote(empty.path().string()) + " search carte");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("plume kb ingest"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace plume
