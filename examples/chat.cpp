// chat: a TCP chat room on a StreamServer - gevent's classic "one greenlet per client" server with
// state shared between the clients (no locks: greenlets switch only where they block).
// Usage: chat [port] (default 7001; 0 picks a free one). Prints the address it listens on, then
// serves until SIGINT/SIGTERM.
//
// Protocol: a client sends its name as the first line, then lines of text. Every line goes to every
// other client as "name: text"; the others see "* name joined" / "* name left"; the newcomer gets
// "* welcome name" once it is in the room.
//
// What to look for: each client has its own outgoing Queue drained by its own writer greenlet, so a
// slow or vanished client (peer reset mid-write) only ever fails its own writer - the broadcaster
// never blocks on a socket and never sees another client's error. Memory per client is bounded:
// a line longer than 4 KiB is refused (LineReader), and a client that falls more than 64 KiB behind
// (it stopped reading) is disconnected rather than queued for without end - the room's policy for
// slow consumers; blocking the broadcaster instead would let one reader stall everyone.

#include <signal.h>

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include <pinfiber/pinfiber.hpp>

#include "command_line.hpp"

using namespace std::chrono_literals;

namespace {

constexpr std::size_t max_line = 4096;
// What may wait for one client beyond what its socket buffers hold: 16 full lines.
constexpr std::size_t max_behind = 64 * 1024;

// One connected client. Shared (shared_ptr) by its reader - the StreamServer's handler - and its
// writer greenlet, so whichever of the two ends last still has a valid socket and queue.
struct Client {
  explicit Client(pinfiber::Socket s) : socket(std::move(s)) {}
  pinfiber::Socket socket;
  std::string name;
  // Never full, so a broadcast never waits; the room keeps `behind` under max_behind instead.
  pinfiber::Queue<std::string> outgoing;
  std::size_t behind = 0;  // bytes in `outgoing`

  void send(std::string line) {
    if (outgoing.is_shutdown()) return;
    if (behind + line.size() > max_behind) {
      // Too slow: drop the client, not the message. Its reader sees the end and leaves the room.
      outgoing.shutdown(true);
      disconnect();
      return;
    }
    behind += line.size();
    outgoing.put(std::move(line));
  }
  void disconnect() {
    try {
      socket.shutdown(SHUT_RDWR);
    } catch (const std::system_error&) {
      // already disconnected: the reader finds out on its own
    }
  }
};

class Room {
 public:
  void join(const std::shared_ptr<Client>& c) {
    broadcast(c.get(), "* " + c->name + " joined\n");
    members_.emplace(c.get(), c);
    c->send("* welcome " + c->name + "\n");
  }
  void leave(Client* c) {
    if (members_.erase(c) == 0) return;
    broadcast(c, "* " + c->name + " left\n");
  }
  // To everyone but `from`. send() never blocks, so the loop cannot be interrupted halfway and the
  // member map cannot change under it.
  void broadcast(const Client* from, const std::string& line) {
    for (auto& [who, member] : members_) {
      if (who != from) member->send(line);
    }
  }

 private:
  std::map<const Client*, std::shared_ptr<Client>> members_;
};

// Sends what the room queues for one client. A failed send (peer reset, broken pipe) ends only this
// writer: it shuts the socket down so the client's reader sees the end and takes it out of the room.
void write_to(std::shared_ptr<Client> c) {
  try {
    for (std::string lines : c->outgoing) {
      // What queued up meanwhile goes in the same write: one system call for a burst, and no
      // small segments held back by Nagle's algorithm waiting for the client's delayed ACK.
      while (!c->outgoing.empty()) lines += c->outgoing.get_nowait();
      c->behind -= lines.size();
      c->socket.send_all(lines);
    }
  } catch (const std::system_error&) {
    c->outgoing.shutdown(true);
    c->disconnect();
  }
}

// The next line from the client, or nothing once it has gone (end of stream, reset, or shut down
// by its writer or the room). A line over max_line is answered, dropped, and reading goes on.
std::optional<std::string> next_line(pinfiber::LineReader& reader, Client& c) {
  for (;;) {
    try {
      return reader.next();
    } catch (const pinfiber::LineTooLong&) {
      c.send("* line dropped: longer than " + std::to_string(max_line) + " bytes\n");
    } catch (const std::system_error&) {
      return std::nullopt;
    }
  }
}

void serve_client(Room& room, pinfiber::Socket& connection) {
  auto client = std::make_shared<Client>(std::move(connection));
  pinfiber::LineReader reader(client->socket, {.max_line = max_line});
  std::optional<std::string> name = next_line(reader, *client);
  if (!name || name->empty()) return;
  client->name = std::move(*name);
  auto writer = pinfiber::spawn_with({.name = "writer-" + client->name}, write_to, client);
  room.join(client);
  // However the reader ends - end of stream, reset, or GreenletExit from shutdown() - the client
  // leaves the room and its writer stops. Not blocking here: the writer owns its share of `client`.
  struct Leave {
    Room& room;
    Client* client;
    pinfiber::Greenlet<void>& writer;
    ~Leave() {
      room.leave(client);
      client->outgoing.shutdown(true);
      writer.kill(false);
    }
  } leave{room, client.get(), writer};
  while (auto line = next_line(reader, *client)) room.broadcast(client.get(), client->name + ": " + *line + "\n");
}

}  // namespace

int main(int argc, char** argv) {
  example::CommandLine args(argc, argv, "[port]   (default 7001; 0: any free port)");
  const auto port = static_cast<std::uint16_t>(args.number_argument("port", 7001, 0, 65535));
  args.done();
  Room room;
  pinfiber::StreamServer server(pinfiber::Address::loopback(AF_INET, port),
                                [&room](pinfiber::Socket& c, const pinfiber::Address&) { serve_client(room, c); });
  pinfiber::SignalHandler on_int(SIGINT, pinfiber::shutdown);
  pinfiber::SignalHandler on_term(SIGTERM, pinfiber::shutdown);
  server.start();
  std::printf("listening on %s\n", server.address().to_string().c_str());
  std::fflush(stdout);
  try {
    server.serve_forever();
  } catch (const pinfiber::GreenletExit&) {
    // shutdown(): every handler and writer was already killed; their sockets are closed
  }
  server.stop(1s);
  return 0;
}
