// `warren serve` under real clients, against the same clients on a null
// server (the client's ceiling) and on RabbitMQ, in one run.
//
// Workload (the wire design memo's): a client publishes N transient 16-byte
// messages to a direct exchange, then consumes them with prefetch 1000 and
// acks each one. Per server and client:
//   msg_per_s          N / the client's own time from first publish to last ack
//   server_us_per_msg  the server process's CPU time over the iteration / N,
//                      summed over all its threads (/proc/PID/task/*/schedstat,
//                      nanoseconds), so RabbitMQ's schedulers count too
// and the start-up: BM_ServeReady spawns `warren serve` on free ports and
// times it until its READY line; BM_NullServerReady does the same for the
// null server (a bare Asio acceptor: the floor).
//
// Run by bench/wire/run_wire_bench.sh, which installs the clients, enters a
// private network namespace, boots a RabbitMQ there and passes it in:
//   WARREN_BENCH_RABBITMQ="amqp://guest:guest@127.0.0.1:5672/ <beam pid>"
//   WARREN_NODE_MODULES=<dir holding node_modules/amqplib>
//   WARREN_BENCH_MESSAGES=20000
// Without WARREN_BENCH_RABBITMQ the RabbitMQ rows are skipped with a reason.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "benchmark/benchmark.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

// A child process with its stdout on a pipe.
struct Child {
  pid_t pid = -1;
  int out = -1;
  ~Child() {
    if (out >= 0) close(out);
    if (pid > 0) {
      kill(pid, SIGTERM);
      int status = 0;
      waitpid(pid, &status, 0);
    }
  }
};

std::unique_ptr<Child> Spawn(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return nullptr;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto child = std::make_unique<Child>();
  int rc = posix_spawnp(&child->pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  child->out = fds[0];
  if (rc != 0) {
    child->pid = -1;
    return nullptr;
  }
  return child;
}

// One line of the child's stdout (without the newline), or nullopt at EOF.
std::optional<std::string> ReadLine(int fd) {
  std::string line;
  char c;
  while (read(fd, &c, 1) == 1) {
    if (c == '\n') return line;
    line.push_back(c);
  }
  return line.empty() ? std::nullopt : std::optional<std::string>(line);
}

// Runs argv to completion; its stdout, or nullopt on a non-zero exit.
std::optional<std::string> RunToEnd(const std::vector<std::string>& argv) {
  std::unique_ptr<Child> c = Spawn(argv);
  if (!c) return std::nullopt;
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(c->out, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  int status = 0;
  waitpid(c->pid, &status, 0);
  c->pid = -1;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return out;
}

// CPU time of every thread of `pid`, in nanoseconds.
int64_t ProcessCpuNs(pid_t pid) {
  int64_t total = 0;
  std::error_code ec;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(dir, ec)) {
    std::ifstream in(task.path() / "schedstat");
    int64_t ns = 0;
    if (in >> ns) total += ns;
  }
  return total;
}

const char* Env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

int Messages() { return std::atoi(Env("WARREN_BENCH_MESSAGES", "20000")); }

// A server the clients talk to: its URL and the pid whose CPU is counted.
struct Server {
  std::string url;
  pid_t pid = -1;
  std::string error;  // why it is not available
};

// Starts a server binary that prints "READY amqp=<port>..." and keeps it
// for the whole run.
Server StartOwned(std::unique_ptr<Child>& holder, const std::vector<std::string>& argv) {
  holder = Spawn(argv);
  if (!holder) return {.error = "cannot start " + argv[0]};
  std::optional<std::string> line = ReadLine(holder->out);
  int port = 0;
  if (line && line->rfind("READY amqp=", 0) == 0) {
    std::string_view rest = std::string_view(*line).substr(11);
    port = std::atoi(std::string(rest.substr(0, rest.find(' '))).c_str());
  }
  if (port == 0) return {.error = argv[0] + " printed no READY line"};
  return {.url = "amqp://guest:guest@127.0.0.1:" + std::to_string(port) + "/",
          .pid = holder->pid};
}

Server& Warren() {
  static std::unique_ptr<Child> child;
  static Server s = StartOwned(
      child, {WARREN_CLI_PATH, "serve", "--amqp-port", "0", "--http-port", "0"});
  return s;
}

Server& Null() {
  static std::unique_ptr<Child> child;
  static Server s = StartOwned(child, {WARREN_NULL_SERVER_PATH, "0"});
  return s;
}

Server& RabbitMQ() {
  static Server s = [] {
    std::vector<std::string> parts = absl::StrSplit(Env("WARREN_BENCH_RABBITMQ", ""), ' ',
                                                    absl::SkipEmpty());
    const int pid = parts.size() == 2 ? std::atoi(parts[1].c_str()) : 0;
    if (pid <= 0) {
      return Server{.error = "WARREN_BENCH_RABBITMQ=\"URL PID\" not set (see run_wire_bench.sh)"};
    }
    return Server{.url = parts[0], .pid = pid};
  }();
  return s;
}

std::vector<std::string> ClientArgv(const std::string& client, const std::string& url, int n) {
  const std::string dir = WARREN_BENCH_WIRE_DIR;
  if (client == "pika") return {"/usr/bin/python3", dir + "/pika_bench.py", url, std::to_string(n)};
  return {"node", dir + "/amqplib_bench.mjs", url, std::to_string(n)};
}

void BM_Wire(benchmark::State& state, Server& (*server)(), std::string client) {
  Server& s = server();
  if (!s.error.empty()) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  const int n = Messages();
  int64_t cpu_ns = 0;
  double seconds = 0;
  for (auto _ : state) {
    const int64_t cpu0 = ProcessCpuNs(s.pid);
    std::optional<std::string> out = RunToEnd(ClientArgv(client, s.url, n));
    cpu_ns += ProcessCpuNs(s.pid) - cpu0;
    std::string_view text = out ? std::string_view(*out) : std::string_view();
    // {"seconds": 1.5} from Python, {"seconds":1.5} from Node.
    size_t at = text.find("\"seconds\":");
    double t = 0;
    if (at != std::string_view::npos) {
      text = text.substr(at + 10);
      text = text.substr(0, text.find_first_of(",}"));
    }
    if (at != std::string_view::npos) t = std::strtod(std::string(text).c_str(), nullptr);
    if (t <= 0) {
      state.SkipWithError((client + " failed against " + s.url).c_str());
      return;
    }
    state.SetIterationTime(t);
    seconds += t;
  }
  const double messages = static_cast<double>(n) * static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(messages));
  state.counters["server_us_per_msg"] = static_cast<double>(cpu_ns) / 1e3 / messages;
  state.counters["msg_per_s"] = messages / seconds;
}

// Spawn to READY, as a user's test fixture would wait for it.
void BM_Ready(benchmark::State& state, std::vector<std::string> argv) {
  for (auto _ : state) {
    const Clock::time_point t0 = Clock::now();
    std::unique_ptr<Child> c = Spawn(argv);
    std::optional<std::string> line = c ? ReadLine(c->out) : std::nullopt;
    const Clock::time_point t1 = Clock::now();
    if (!line || line->rfind("READY", 0) != 0) {
      state.SkipWithError((argv[0] + " printed no READY line").c_str());
      return;
    }
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  for (std::string client : {"pika", "amqplib"}) {
    benchmark::RegisterBenchmark(("BM_Wire/null/" + client).c_str(), BM_Wire, &Null, client)
        ->UseManualTime()
        ->Iterations(3)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("BM_Wire/warren/" + client).c_str(), BM_Wire, &Warren, client)
        ->UseManualTime()
        ->Iterations(3)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("BM_Wire/rabbitmq/" + client).c_str(), BM_Wire, &RabbitMQ,
                                 client)
        ->UseManualTime()
        ->Iterations(3)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark(
      "BM_ServeReady", BM_Ready,
      std::vector<std::string>{WARREN_CLI_PATH, "serve", "--amqp-port", "0", "--http-port", "0"})
      ->UseManualTime()
      ->Iterations(20)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_NullServerReady", BM_Ready,
                               std::vector<std::string>{WARREN_NULL_SERVER_PATH, "0"})
      ->UseManualTime()
      ->Iterations(20)
      ->Unit(benchmark::kMillisecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
