// Story 6: a lookup pipeline, the first real program. A producer fills a JoinableQueue with numbers;
// ten worker greenlets look each one up over HTTP with pinfiber's HTTP client (libcurl, driven by the
// hub), pausing 0.2 s between requests; results go through a Queue to one writer greenlet that appends
// "number result" lines to a file.
//
// The lookup service runs in this same process (a StreamServer on 127.0.0.1) and misbehaves on
// purpose, deterministically by number: n % 11 == 5 always resets the connection, n % 7 == 3 never
// answers its first two requests. What to look for: a failed request is retried (3 attempts), then
// recorded as "number reason" in the error file - no worker dies, so no number is lost and the run
// always ends; and the shutdown is orderly: wait for the tasks (join), then shut the queues down so
// the workers and the writer leave their loops, with no LoopExit and nothing killed.
//
//   lookup_pipeline [--count N] [--out FILE] [--errors FILE]

#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <system_error>
#include <vector>

#include <pinfiber/http.hpp>
#include <pinfiber/pinfiber.hpp>

#include "command_line.hpp"

using namespace std::chrono_literals;

namespace {

constexpr int worker_count = 10;
constexpr int max_attempts = 3;
constexpr pinfiber::Duration pause_between_requests = 200ms;  // the story's politeness pause
constexpr pinfiber::Duration request_timeout = 200ms;         // connect + request + whole response
constexpr pinfiber::Duration service_delay = 20ms;

// ---- the lookup service (the "web service" of the story, misbehaving on purpose) ----

bool always_resets(int n) { return n % 11 == 5; }
bool hangs_first_two(int n) { return n % 7 == 3; }
std::string answer_for(int n) { return "owner-" + std::to_string((n * 7919) % 100000); }

// Reads the request head (up to the blank line); "" if the client went away first.
std::string read_request(pinfiber::Socket& c) {
  std::string head;
  char buf[512];
  while (head.find("\r\n\r\n") == std::string::npos) {
    const std::size_t n = c.recv(buf, sizeof buf);
    if (n == 0) return {};
    head.append(buf, n);
  }
  return head;
}

// Answers "GET /lookup/<n> HTTP/1.0". `attempts` counts requests per number, so the hanging numbers
// recover on their third try.
void serve_lookup(pinfiber::Socket& c, std::map<int, int>& attempts) {
  const std::string head = read_request(c);
  constexpr const char* prefix = "GET /lookup/";
  if (head.rfind(prefix, 0) != 0) {
    c.send_all("HTTP/1.0 400 Bad Request\r\n\r\n");
    return;
  }
  const int n = std::atoi(head.c_str() + std::strlen(prefix));
  const int attempt = ++attempts[n];
  if (always_resets(n)) {
    // SO_LINGER 0: close() sends RST instead of FIN - the client sees ECONNRESET.
    const linger abort{.l_onoff = 1, .l_linger = 0};
    ::setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    c.close();
    return;
  }
  if (hangs_first_two(n) && attempt <= 2) {
    // Never answer: wait until the client gives up and closes (recv returns 0 then).
    char buf[64];
    while (c.recv(buf, sizeof buf) > 0) {
    }
    return;
  }
  pinfiber::sleep(service_delay);
  c.send_all("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + answer_for(n) + "\n");
}

// ---- the client side ----

// One GET with the request's timeout covering all of it (connect, request, whole response): a service
// that never answers costs 200 ms, not forever. A 404 or 500 would be data; anything but 200 is a
// failure here.
std::string query(const std::string& service, int n) {
  const pinfiber::http::Response r =
      pinfiber::http::get(service + "/lookup/" + std::to_string(n), {.timeout = request_timeout});
  if (r.status != 200) throw std::runtime_error("status-" + std::to_string(r.status));
  std::string result = r.body;
  while (!result.empty() && (result.back() == '\n' || result.back() == '\r')) result.pop_back();
  if (result.empty()) throw std::runtime_error("empty-response");
  return result;
}

struct Outcome {
  int number = 0;
  bool answered = false;
  std::string text;  // the result, or why it failed
};

// Every way a request can fail is caught here and becomes a retry, then an error Outcome: a worker
// never dies on a network error (the story's silent worker death and the hang that followed).
Outcome look_up(const std::string& service, int n) {
  std::string reason;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    if (attempt > 1) pinfiber::sleep(pause_between_requests);
    try {
      return {n, true, query(service, n)};
    } catch (const pinfiber::TimeoutError&) {
      reason = "timeout";
    } catch (const pinfiber::http::HttpError& e) {
      // The client says why: a reset is worth retrying; the error text names the URL and the cause.
      reason = e.cause() == pinfiber::http::Cause::reset ? "connection-reset" : pinfiber::http::to_string(e.cause());
    } catch (const std::exception& e) {
      reason = e.what();
    }
  }
  return {n, false, reason + " after " + std::to_string(max_attempts) + " attempts"};
}

struct Options {
  int count = 200;
  std::string out = "lookup_results.txt";
  std::string errors = "lookup_errors.txt";
};

}  // namespace

int main(int argc, char** argv) {
  example::CommandLine args(argc, argv, "[--count N] [--out FILE] [--errors FILE]");
  Options opt;
  opt.count = static_cast<int>(args.number_option("--count", opt.count, 0, 1'000'000));
  opt.out = args.option("--out", opt.out);
  opt.errors = args.option("--errors", opt.errors);
  args.done();
  std::FILE* out = std::fopen(opt.out.c_str(), "w");
  std::FILE* errors = std::fopen(opt.errors.c_str(), "w");
  if (!out || !errors) {
    std::fprintf(stderr, "lookup_pipeline: cannot open %s / %s\n", opt.out.c_str(), opt.errors.c_str());
    if (out) std::fclose(out);
    if (errors) std::fclose(errors);
    return 1;
  }

  std::map<int, int> attempts;
  pinfiber::StreamServer service(pinfiber::Address::loopback(AF_INET, 0),
                                 [&attempts](pinfiber::Socket& c, const pinfiber::Address&) {
                                   try {
                                     serve_lookup(c, attempts);
                                   } catch (const std::system_error&) {
                                     // the client gave up (timed out) mid-answer: nothing to do
                                   }
                                 });
  service.start();
  const std::string service_url = "http://" + service.address().to_string();

  // Bounded: the producer waits for the workers instead of queueing everything at once.
  pinfiber::JoinableQueue<int> tasks(2 * worker_count);
  pinfiber::Queue<Outcome> results;

  auto producer = pinfiber::spawn_with({.name = "producer"}, [&] {
    for (int n = 0; n < opt.count; ++n) tasks.put(n);
  });

  std::vector<pinfiber::Greenlet<void>> workers;
  for (int i = 0; i < worker_count; ++i) {
    workers.push_back(pinfiber::spawn_with({.name = "worker-" + std::to_string(i)}, [&] {
      // Ends when the queue is shut down and drained.
      for (int n : tasks) {
        results.put(look_up(service_url, n));
        tasks.task_done();
        pinfiber::sleep(pause_between_requests);
      }
    }));
  }

  int answered = 0, failed = 0;
  auto writer = pinfiber::spawn_with({.name = "writer"}, [&] {
    // Small buffered writes to local files: short enough to do on the hub.
    for (const Outcome& o : results) {
      std::FILE* f = o.answered ? out : errors;
      std::fprintf(f, "%d %s\n", o.number, o.text.c_str());
      ++(o.answered ? answered : failed);
    }
  });

  // Orderly shutdown: every number produced and processed, then the loops are told to end.
  producer.join();
  tasks.join();
  tasks.shutdown();
  pinfiber::joinall(workers);
  results.shutdown();
  writer.join();
  service.stop(1s);

  std::fclose(out);
  std::fclose(errors);
  std::printf("numbers: %d, answered: %d, errors: %d\n", opt.count, answered, failed);
  return answered + failed == opt.count ? 0 : 1;
}
