// Several Plume nodes behind a load balancer (issue #8): two real `plume serve` processes on
// loopback share one PostgreSQL database, each with its own data folder and Xapian index, behind a
// real nginx (Debian's nginx-light, run by this test with its own prefix, config, pid and logs in a
// temporary folder; never the system service). A session opened through nginx works on both
// nodes; a draft made on node 1 is sent from node 2; a knowledge change reaches both local indexes.
//
// Skips (with the reason) when nginx or PostgreSQL is missing, except under CI where both are
// installed and a missing one is a failure.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "store/pg_test_database.h"
#include "store/postgres/postgres_store.h"
#include "testing/kb_fixture.h"
#include "testing/test_util.h"

namespace plume {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr auto kGenerous = std::chrono::seconds(90);
constexpr char kPassword[] = "mot-de-passe-de-test-assez-long";
constexpr char kFiche[] = "particuliers/F1344";  // perte de la carte d'identité

std::string FindNginx() {
  for (const char* p : {"/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "";
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string ReadAll(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `plume` to completion (set-up commands); returns its exit code, output in *out.
int RunPlume(const std::string& args, std::string* out, const std::string& stdin_text = "") {
  std::string cmd = std::string(PLUME_CLI_PATH) + " --quiet --resources " +
                    Quote(PLUME_RESOURCE_DIR) + " " + args + " 2>&1";
  if (!stdin_text.empty()) cmd = "printf '%s\\n' " + Quote(stdin_text) + " | " + cmd;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return -1;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out->append(buf, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A child process whose output goes to `log`; terminated (SIGTERM, then SIGKILL) on destruction.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const fs::path& log) : log_(log) {
    pid_ = fork();
    if (pid_ == 0) {
      // Dies with the test, even when the test itself crashes before the destructor runs.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      FILE* f = freopen(log.c_str(), "w", stdout);
      if (f == nullptr || dup2(fileno(stdout), STDERR_FILENO) < 0) _exit(127);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~Child() { Terminate(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool Running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }
  void Terminate() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 200; ++i) {  // up to 10 s for a clean stop
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::string Log() const { return ReadAll(log_); }

 private:
  fs::path log_;
  pid_t pid_ = -1;
};

// Polls `ready` every 50 ms until it holds or `timeout` passes: waits on a condition, bounded.
bool WaitUntil(const std::function<bool()>& ready, std::chrono::seconds timeout = kGenerous) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return ready();
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// The session of one agent: cookie + CSRF token, sent to any node.
struct Session {
  std::string cookie;
  std::string csrf;
};

httplib::Headers Auth(const Session& s) { return {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}}; }

json Body(const httplib::Result& r) { return r ? json::parse(r->body, nullptr, false) : json(); }

class MultiNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    nginx_ = FindNginx();
    if (nginx_.empty()) {
      if (testing::InCi()) FAIL() << "nginx absent while CI=true: apt-get install nginx-light";
      GTEST_SKIP() << "nginx absent (apt-get install nginx-light): multi-node test skipped";
    }
    PLUME_REQUIRE_PG();
    auto url = testing::NewPgTestSchemaUrl();
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    db_url_ = *url;
  }

  std::string Global(const fs::path& data_dir) const {
    return "--data-dir " + Quote(data_dir.string()) + " --database-url " + Quote(db_url_) + " ";
  }

  // Starts `plume serve` on a free port of 127.0.0.1; returns the port, -1 on failure.
  int StartNode(const fs::path& data_dir, std::unique_ptr<Child>* child) {
    fs::create_directories(data_dir);
    *child = std::make_unique<Child>(
        std::vector<std::string>{PLUME_CLI_PATH, "--quiet", "--resources", PLUME_RESOURCE_DIR,
                                 "--data-dir", data_dir.string(), "--database-url", db_url_,
                                 "serve", "--host", "127.0.0.1", "--port", "0", "--web",
                                 (dir_.path() / "no-web").string(), "--index-poll-ms", "500"},
        data_dir / "serve.log");
    int port = -1;
    const std::string marker = "écoute sur http://127.0.0.1:";
    bool up = WaitUntil([&] {
      std::string log = (*child)->Log();
      size_t at = log.find(marker);
      if (at == std::string::npos) return !(*child)->Running();
      port = std::atoi(log.c_str() + at + marker.size());
      return true;
    });
    EXPECT_TRUE(up && port > 0) << (*child)->Log();
    return port;
  }

  // Starts nginx in front of `backends`; returns its port, -1 on failure.
  int StartNginx(const std::vector<int>& backends) {
    fs::path prefix = dir_.path() / "nginx";
    fs::create_directories(prefix / "logs");
    for (int attempt = 0; attempt < 3; ++attempt) {
      int port = FreePort();
      std::ostringstream conf;
      conf << "daemon off;\nmaster_process off;\nworker_processes 1;\n"
           << "pid " << (prefix / "nginx.pid").string() << ";\n"
           << "error_log " << (prefix / "logs/error.log").string() << " warn;\n"
           << "events { worker_connections 256; }\n"
           << "http {\n"
           << "  access_log " << (prefix / "logs/access.log").string() << ";\n"
           << "  client_body_temp_path " << (prefix / "body").string() << ";\n"
           << "  proxy_temp_path " << (prefix / "proxy").string() << ";\n"
           << "  fastcgi_temp_path " << (prefix / "fastcgi").string() << ";\n"
           << "  uwsgi_temp_path " << (prefix / "uwsgi").string() << ";\n"
           << "  scgi_temp_path " << (prefix / "scgi").string() << ";\n"
           << "  upstream plume {\n";
      for (int b : backends) conf << "    server 127.0.0.1:" << b << ";\n";
      conf << "    keepalive 16;\n  }\n"
           << "  server {\n    listen 127.0.0.1:" << port << ";\n"
           << "    location / {\n      proxy_pass http://plume;\n"
           << "      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n"
           << "      proxy_set_header Host $host;\n"
           << "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
           << "      proxy_buffering off;\n"
           << "      add_header X-Upstream $upstream_addr always;\n    }\n  }\n}\n";
      std::ofstream(prefix / "nginx.conf") << conf.str();
      nginx_child_ = std::make_unique<Child>(
          std::vector<std::string>{nginx_, "-p", prefix.string() + "/", "-c",
                                   (prefix / "nginx.conf").string(), "-e",
                                   (prefix / "logs/error.log").string()},
          prefix / "nginx.out");
      httplib::Client c("127.0.0.1", port);
      if (WaitUntil([&] {
            if (!nginx_child_->Running()) return true;
            auto r = c.Get("/api/health");
            return r && r->status == 200;
          }) &&
          nginx_child_->Running()) {
        return port;
      }
      nginx_child_.reset();  // the port was taken meanwhile: try another
    }
    ADD_FAILURE() << "nginx did not start: " << ReadAll(prefix / "logs/error.log");
    return -1;
  }

  static Session Login(httplib::Client& c, const std::string& login) {
    json body = {{"login", login}, {"password", kPassword}};
    auto r = c.Post("/api/auth/login", body.dump(), "application/json");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    Session s;
    if (!r) return s;
    std::string set_cookie = r->get_header_value("Set-Cookie");
    s.cookie = set_cookie.substr(0, set_cookie.find(';'));
    s.csrf = Body(r).value("csrf_token", "");
    return s;
  }

  // index_version reported by a node's /api/health (-1 when unavailable).
  static int64_t IndexVersion(int port) {
    httplib::Client c("127.0.0.1", port);
    auto r = c.Get("/api/health");
    json j = Body(r);
    return j.is_object() ? j.value("index_version", int64_t{-1}) : -1;
  }

  static std::vector<std::string> SearchIds(int port, const Session& s, const std::string& q) {
    httplib::Client c("127.0.0.1", port);
    auto r = c.Get("/api/search", {{"q", q}, {"limit", "5"}}, Auth(s));
    std::vector<std::string> ids;
    json j = Body(r);
    if (r && r->status == 200 && j.contains("results")) {
      for (const auto& h : j["results"]) ids.push_back(h.value("document_id", ""));
    }
    return ids;
  }

  testing::TempDir dir_;
  std::string nginx_;
  std::string db_url_;
  std::unique_ptr<Child> nginx_child_;
};

TEST_F(MultiNodeTest, TwoNodesBehindNginxShareSessionsRepliesAndKnowledge) {
  // Shared state: fiches and accounts in PostgreSQL. Node 1's folder gets an index from the
  // ingest; node 2 starts with an empty folder and builds its own from the database.
  fs::path vdd = testing::MakeVddSubset(dir_.path(), 20);
  fs::path data1 = dir_.path() / "node1", data2 = dir_.path() / "node2";
  std::string out;
  ASSERT_EQ(RunPlume(Global(data1) + "kb ingest --no-travail --vdd " + Quote(vdd.string()), &out),
            0)
      << out;
  ASSERT_EQ(RunPlume(Global(data1) + "agent add --login agent.lyon --name 'Agent Lyon' --role "
                                     "agent --service prefecture-69",
                     &out, kPassword),
            0)
      << out;
  ASSERT_EQ(RunPlume(Global(data1) + "agent add --login chef.lyon --name 'Cheffe Lyon' --role "
                                     "supervisor --service prefecture-69",
                     &out, kPassword),
            0)
      << out;
  ASSERT_FALSE(fs::exists(data2 / "index"));

  std::unique_ptr<Child> node1, node2;
  const int port1 = StartNode(data1, &node1);
  const int port2 = StartNode(data2, &node2);
  ASSERT_GT(port1, 0);
  ASSERT_GT(port2, 0);
  EXPECT_TRUE(fs::exists(data2 / "index")) << "node 2 built no index of its own";
  const int lb = StartNginx({port1, port2});
  ASSERT_GT(lb, 0);
  httplib::Client via_lb("127.0.0.1", lb), on1("127.0.0.1", port1), on2("127.0.0.1", port2);

  // nginx spreads requests over both nodes.
  std::set<std::string> upstreams;
  for (int i = 0; i < 6; ++i) {
    auto r = via_lb.Get("/api/health");
    ASSERT_TRUE(r && r->status == 200);
    upstreams.insert(r->get_header_value("X-Upstream"));
  }
  EXPECT_EQ(upstreams, (std::set<std::string>{"127.0.0.1:" + std::to_string(port1),
                                              "127.0.0.1:" + std::to_string(port2)}));

  // Log in through nginx; the session lives in the store, so every node knows it.
  Session agent = Login(via_lb, "agent.lyon");
  ASSERT_FALSE(agent.cookie.empty());
  for (httplib::Client* node : {&on1, &on2}) {
    auto me = node->Get("/api/auth/me", Auth(agent));
    ASSERT_TRUE(me && me->status == 200) << (me ? me->body : "no answer");
    EXPECT_EQ(Body(me)["agent"].value("login", ""), "agent.lyon");
  }

  // A citizen's message, created through nginx.
  json msg = {{"channel", "web_form"},
              {"sender_name", "Claire Martin"},
              {"subject", "Carte d'identité perdue"},
              {"body", "Bonjour, j'ai perdu ma carte d'identité. Que dois-je faire ?"}};
  auto created = via_lb.Post("/api/messages", Auth(agent), msg.dump(), "application/json");
  ASSERT_TRUE(created && created->status == 201) << (created ? created->body : "no answer");
  const int64_t message_id = Body(created)["message"].value("id", int64_t{0});
  const std::string path = "/api/messages/" + std::to_string(message_id);

  // Draft on node 1, reply on node 2: same cookie and CSRF token.
  auto drafted = on1.Post(path + "/drafts", Auth(agent), "{}", "application/json");
  ASSERT_TRUE(drafted && drafted->status == 201) << (drafted ? drafted->body : "no answer");
  json draft = Body(drafted)["draft"];
  bool cites_fiche = false;
  for (const auto& src : draft["sources"]) cites_fiche |= src.value("document_id", "") == kFiche;
  EXPECT_TRUE(cites_fiche) << draft.dump();
  json reply = {{"draft_id", draft["id"]}, {"text", draft["text"]}};
  auto sent = on2.Post(path + "/reply", Auth(agent), reply.dump(), "application/json");
  ASSERT_TRUE(sent && sent->status == 201) << (sent ? sent->body : "no answer");
  EXPECT_EQ(Body(sent)["decision"].value("kind", ""), "accepted");
  // Without the CSRF token node 2 refuses, like node 1 would.
  auto no_csrf =
      on2.Post(path + "/reply", {{"Cookie", agent.cookie}}, reply.dump(), "application/json");
  ASSERT_TRUE(no_csrf);
  EXPECT_EQ(no_csrf->status, 403);

  // Status and audit, read through nginx (by the service's supervisor for the audit).
  auto read = via_lb.Get(path, Auth(agent));
  ASSERT_TRUE(read && read->status == 200);
  json full = Body(read);
  EXPECT_EQ(full["message"].value("status", ""), "answered");
  ASSERT_EQ(full["decisions"].size(), 1u);
  EXPECT_EQ(full["decisions"][0].value("agent", ""), "agent.lyon");
  Session chef = Login(via_lb, "chef.lyon");
  auto audit = via_lb.Get("/api/audit", {{"message_id", std::to_string(message_id)}}, Auth(chef));
  ASSERT_TRUE(audit && audit->status == 200) << (audit ? audit->body : "no answer");
  int sent_lines = 0;
  const json audit_body = Body(audit);
  for (const auto& e : audit_body["entries"]) {
    if (e.value("action", "") == "reply_sent") {
      ++sent_lines;
      EXPECT_EQ(e.value("agent", ""), "agent.lyon");
      EXPECT_EQ(e.value("decision", ""), "accepted");
    }
  }
  EXPECT_EQ(sent_lines, 1) << audit_body.dump();

  // A knowledge change in the shared store reaches both local indexes (PostgreSQL NOTIFY).
  const std::string word = "zorglubienne";
  EXPECT_TRUE(SearchIds(port1, agent, word).empty());
  EXPECT_TRUE(SearchIds(port2, agent, word).empty());
  auto store = PostgresStore::Open(db_url_);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto doc = (*store)->GetDocument(kFiche);
  ASSERT_TRUE(doc.ok());
  doc->introduction += "\nNouvelle règle : la déclaration " + word + " est désormais en ligne.";
  doc->content_hash += "-modifie";
  ASSERT_TRUE((*store)->UpsertDocuments({*doc}, 1'800'000'000'000).ok());
  const int64_t version = *(*store)->KnowledgeVersion();
  for (int port : {port1, port2}) {
    EXPECT_TRUE(WaitUntil([&] { return IndexVersion(port) >= version; }))
        << "node on port " << port << " stayed at index version " << IndexVersion(port);
    EXPECT_EQ(SearchIds(port, agent, word), std::vector<std::string>{kFiche}) << port;
  }
  for (int i = 0; i < 2; ++i) {  // and through nginx, whichever node answers
    EXPECT_EQ(SearchIds(lb, agent, word), std::vector<std::string>{kFiche});
  }

  // Logging out on one node ends the session on every node.
  auto out_ok = on1.Post("/api/auth/logout", Auth(agent), "", "application/json");
  ASSERT_TRUE(out_ok && out_ok->status == 204);
  auto me2 = on2.Get("/api/auth/me", Auth(agent));
  ASSERT_TRUE(me2);
  EXPECT_EQ(me2->status, 401);

  EXPECT_TRUE(node1->Running()) << node1->Log();
  EXPECT_TRUE(node2->Running()) << node2->Log();
}

}  // namespace
}  // namespace plume
