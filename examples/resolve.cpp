// Story 2: resolving names concurrently. One greenlet per name, joinall with a 5 s timeout, then
// each greenlet's result in the order given. With a non-blocking resolver the total time is the
// slowest lookup, not the sum.
// Usage: resolve [--server IP:PORT] NAME...   (default: localhost, from /etc/hosts)

#include <cstdio>
#include <string>
#include <vector>

#include <pinfiber/pinfiber.hpp>

using namespace std::chrono_literals;

int main(int argc, char** argv) {
  pinfiber::ResolverOptions options;
  std::vector<std::string> names;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--server" && i + 1 < argc) {
      options.servers.push_back(argv[++i]);
    } else {
      names.push_back(arg);
    }
  }
  if (names.empty()) names = {"localhost"};
  pinfiber::Resolver resolver(options);

  std::vector<pinfiber::Greenlet<std::string>> jobs;
  for (const auto& name : names) {
    jobs.push_back(pinfiber::spawn([&resolver, name] {
      // Caught inside, reported through the return value: the note's advice (story 3).
      try {
        return resolver.resolve(name, 0, AF_INET).front().host();
      } catch (const std::exception& e) {
        return std::string("error: ") + e.what();
      }
    }));
  }
  pinfiber::joinall(jobs, 5s);
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::printf("%s: %s\n", names[i].c_str(), jobs[i].ready() ? jobs[i].value().c_str() : "(timed out)");
  }
  pinfiber::killall(jobs);
  return 0;
}
