#include "mail_servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "util/files.h"

namespace plume::channels::testing {
namespace {

namespace fs = std::filesystem;

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// Waits (bounded: 20 s) until `port` accepts connections. Setup only, never an assertion.
bool WaitForPort(int port) {
  for (int i = 0; i < 400; ++i) {
    if (Accepts(port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string Tail(const fs::path& log) {
  auto content = util::ReadFile(log, 1u << 20);
  if (!content.ok()) return "(no log " + log.string() + ")";
  const std::string& s = *content;
  return s.size() > 2000 ? s.substr(s.size() - 2000) : s;
}

Status Write(const fs::path& p, const std::string& content) {
  std::ofstream out(p);
  out << content;
  out.close();
  if (!out) return Unavailable("cannot write " + p.string());
  return Status::Ok();
}

int Run(const std::string& command) { return std::system(command.c_str()); }

}  // namespace

Result<std::unique_ptr<MailServers>> MailServers::Start(const fs::path& root) {
  if (geteuid() != 0) {
    return FailedPrecondition(
        "the mail test servers need root (Dovecot and Postfix drop "
        "privileges to their system users)");
  }
  for (const char* bin : {"/usr/sbin/dovecot", "/usr/sbin/postfix"}) {
    if (!fs::exists(bin)) {
      return FailedPrecondition(std::string(bin) +
                                " missing: run scripts/install-deps.sh (dovecot-imapd, postfix)");
    }
  }
  if (!getpwnam("nobody") || !getpwnam("postfix") || !getpwnam("dovecot")) {
    return FailedPrecondition("system users nobody/postfix/dovecot missing");
  }
  std::unique_ptr<MailServers> s(new MailServers());
  s->root_ = root;
  std::error_code ec;
  fs::permissions(root,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                      fs::perms::others_read | fs::perms::others_exec,
                  ec);
  PLUME_RETURN_IF_ERROR(s->StartDovecot());
  PLUME_RETURN_IF_ERROR(s->StartPostfix());
  return s;
}

Status MailServers::StartDovecot() {
  fs::path d = root_ / "dovecot";
  fs::create_directories(d / "run");
  fs::create_directories(d / "state");
  fs::create_directories(root_ / "mail" / kUser / "new");
  fs::create_directories(root_ / "mail" / kUser / "cur");
  fs::create_directories(root_ / "mail" / kUser / "tmp");
  if (Run("chown -R nobody:nogroup '" + (root_ / "mail").string() + "'") != 0) {
    return Unavailable("chown of the test maildir failed");
  }
  PLUME_RETURN_IF_ERROR(
      Write(d / "passwd", std::string(kUser) + ":{PLAIN}" + kPassword + "::::::\n"));
  imap_port_ = FreePort();
  const std::string conf =
      "base_dir = " + (d / "run").string() + "\n" + "state_dir = " + (d / "state").string() + "\n" +
      "log_path = " + (d / "dovecot.log").string() + "\n" +
      "protocols = imap\nlisten = 127.0.0.1\nssl = no\ndisable_plaintext_auth = no\n"
      "auth_mechanisms = plain login\nfirst_valid_uid = 1\n"
      "mail_location = maildir:" +
      (root_ / "mail").string() + "/%u\n" +
      "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u " +
      (d / "passwd").string() + "\n}\n" +
      "userdb {\n  driver = static\n  args = uid=nobody gid=nogroup home=" +
      (root_ / "mail").string() + "/%u\n}\n" +
      "service imap-login {\n  chroot =\n  inet_listener imap {\n    address = 127.0.0.1\n"
      "    port = " +
      std::to_string(imap_port_) +
      "\n  }\n  inet_listener imaps {\n"
      "    port = 0\n  }\n}\nservice anvil {\n  chroot =\n}\n";
  PLUME_RETURN_IF_ERROR(Write(d / "dovecot.conf", conf));
  pid_t pid = fork();
  if (pid < 0) return Unavailable("fork failed");
  if (pid == 0) {
    std::string conf_path = (d / "dovecot.conf").string();
    std::string out = (d / "stderr.log").string();
    FILE* f = freopen(out.c_str(), "w", stderr);
    (void)f;
    execl("/usr/sbin/dovecot", "dovecot", "-F", "-c", conf_path.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  dovecot_pid_ = pid;
  if (!WaitForPort(imap_port_)) {
    return Unavailable("Dovecot did not start on port " + std::to_string(imap_port_) + ": " +
                       Tail(d / "dovecot.log") + Tail(d / "stderr.log"));
  }
  return Status::Ok();
}

Status MailServers::StartPostfix() {
  fs::path p = root_ / "postfix";
  fs::create_directories(p / "queue");
  fs::create_directories(p / "data");
  if (Run("chown postfix '" + (p / "data").string() + "'") != 0) {
    return Unavailable("chown of the postfix data directory failed");
  }
  smtp_port_ = FreePort();
  const std::string main_cf =
      "compatibility_level = 3.6\n"
      "queue_directory = " +
      (p / "queue").string() + "\n" + "data_directory = " + (p / "data").string() + "\n" +
      "command_directory = /usr/sbin\ndaemon_directory = /usr/lib/postfix/sbin\n"
      "meta_directory = /etc/postfix\nshlib_directory = /usr/lib/postfix\n"
      "mail_owner = postfix\nsetgid_group = postdrop\n"
      "myhostname = plume-test.localdomain\nmydomain = localdomain\nmyorigin = localdomain\n"
      "inet_interfaces = 127.0.0.1\ninet_protocols = ipv4\nmydestination =\nrelayhost =\n"
      "mynetworks = 127.0.0.0/8\n"
      "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n"
      "smtpd_recipient_restrictions = reject_unlisted_recipient\n"
      "virtual_mailbox_domains = citoyen.test\n"
      "virtual_mailbox_base = " +
      (root_ / "mail").string() + "\n" +
      "virtual_mailbox_maps = texthash:" + (p / "vmailbox").string() + "\n" +
      "virtual_uid_maps = static:65534\nvirtual_gid_maps = static:65534\n"
      "default_transport = error:no outside delivery in tests\n"
      "alias_maps =\nalias_database =\nlocal_recipient_maps =\nbiff = no\n"
      "maillog_file_prefixes = /tmp, /var, " +
      root_.string() + "\n" + "maillog_file = " + (p / "postfix.log").string() + "\n";
  PLUME_RETURN_IF_ERROR(Write(p / "main.cf", main_cf));
  PLUME_RETURN_IF_ERROR(Write(p / "vmailbox", std::string(kCitizenAddress) + " " + kUser + "/\n"));
  const std::string master_cf =
      "127.0.0.1:" + std::to_string(smtp_port_) + " inet n - n - - smtpd\n" +
      "pickup unix n - n 60 1 pickup\ncleanup unix n - n - 0 cleanup\n"
      "qmgr unix n - n 300 1 qmgr\nrewrite unix - - n - - trivial-rewrite\n"
      "bounce unix - - n - 0 bounce\ndefer unix - - n - 0 bounce\ntrace unix - - n - 0 bounce\n"
      "verify unix - - n - 1 verify\nflush unix n - n 1000? 0 flush\n"
      "proxymap unix - - n - - proxymap\nsmtp unix - - n - - smtp\n"
      "showq unix n - n - - showq\nerror unix - - n - - error\nretry unix - - n - - error\n"
      "discard unix - - n - - discard\nvirtual unix - n n - - virtual\n"
      "anvil unix - - n - 1 anvil\nscache unix - - n - 1 scache\n"
      "postlog unix-dgram n - n - 1 postlogd\n";
  PLUME_RETURN_IF_ERROR(Write(p / "master.cf", master_cf));
  int rc = Run("/usr/sbin/postfix -c '" + p.string() + "' start >'" + (p / "start.log").string() +
               "' 2>&1");
  postfix_started_ = rc == 0;
  if (rc != 0 || !WaitForPort(smtp_port_)) {
    return Unavailable("Postfix did not start on port " + std::to_string(smtp_port_) + ": " +
                       Tail(p / "postfix.log") + Tail(p / "start.log"));
  }
  return Status::Ok();
}

Status MailServers::Deliver(const std::string& raw) {
  fs::path dir = root_ / "mail" / kUser;
  std::string name =
      "test." + std::to_string(getpid()) + "." + std::to_string(++delivered_) + ".plume";
  PLUME_RETURN_IF_ERROR(Write(dir / "tmp" / name, raw));
  std::error_code ec;
  fs::rename(dir / "tmp" / name, dir / "new" / name, ec);
  if (ec) return Unavailable("maildir delivery failed: " + ec.message());
  if (Run("chown nobody:nogroup '" + (dir / "new" / name).string() + "'") != 0) {
    return Unavailable("chown failed");
  }
  return Status::Ok();
}

MailServers::~MailServers() {
  if (postfix_started_) {
    fs::path p = root_ / "postfix";
    Run("/usr/sbin/postfix -c '" + p.string() + "' stop >/dev/null 2>&1");
    // Wait (bounded) for the master to exit before the directory is removed.
    auto pid_file = util::ReadFile(p / "queue" / "pid" / "master.pid", 64);
    if (pid_file.ok()) {
      pid_t pid = static_cast<pid_t>(std::atoi(pid_file->c_str()));
      for (int i = 0; pid > 0 && i < 200 && kill(pid, 0) == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
  if (dovecot_pid_ > 0) {
    kill(dovecot_pid_, SIGTERM);
    int status = 0;
    waitpid(dovecot_pid_, &status, 0);
  }
}

}  // namespace plume::channels::testing
