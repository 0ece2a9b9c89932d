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
// never blocks on a socket and never sees another client's error.

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <system_error>

#include <pinfiber/pinfiber.hpp>

using namespace std::chrono_literals;

namespace {

// One connected client. Shared (shared_ptr) by its reader - the StreamServer's handler - and its
// writer greenlet, so whichever of the two ends last still has a valid socket and queue.
struct Client {
  explicit Client(pinfiber::Socket s) : socket(std::move(s)) {}
  pinfiber::Socket socket;
  std::string name;
  pinfiber::Queue<std::string> outgoing;  // unbounded: a broadcast never waits for a slow client
};

class Room {
 public:
  void join(const std::shared_ptr<Client>& c) {
    broadcast(c.get(), "* " + c->name + " joined\n");
    members_.emplace(c.get(), c);
    c->outgoing.put("* welcome " + c->name + "\n");
  }
  void leave(Client* c) {
    if (members_.erase(c) == 0) return;
    broadcast(c, "* " + c->name + " left\n");
  }
  // To everyone but `from`. put() on an unbounded queue never blocks, so the loop cannot be
  // interrupted halfway and the member map cannot change under it.
  void broadcast(const Client* from, const std::string& line) {
    for (auto& [who, member] : members_) {
      if (who != from && !member->outgoing.is_shutdown()) member->outgoing.put(line);
    }
  }

 private:
  std::map<const Client*, std::shared_ptr<Client>> members_;
};

// Sends what the room queues for one client. A failed send (peer reset, broken pipe) ends only this
// writer: it shuts the socket down so the client's reader sees the end and takes it out of the room.
void write_to(std::shared_ptr<Client> c) {
  try {
    for (const std::string& line : c->outgoing) c->socket.send_all(line);
  } catch (const std::system_error&) {
    c->outgoing.shutdown(true);
    try {
      c->socket.shutdown(SHUT_RDWR);
    } catch (const std::system_error&) {
      // already disconnected: the reader finds out on its own
    }
  }
}

// Splits the byte stream into lines; "" with `ok` false at end of stream or on a connection error.
class LineReader {
 public:
  explicit LineReader(pinfiber::Socket& s) : socket_(s) {}
  bool next(std::string& line) {
    for (;;) {
      if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
        line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
      }
      char chunk[1024];
      std::size_t n = 0;
      try {
        n = socket_.recv(chunk, sizeof chunk);
      } catch (const std::system_error&) {
        return false;  // reset by the peer, or shut down by our own writer after a failed send
      }
      if (n == 0) return false;
      buffer_.append(chunk, n);
    }
  }

 private:
  pinfiber::Socket& socket_;
  std::string buffer_;
};

void serve_client(Room& room, pinfiber::Socket& connection) {
  auto client = std::make_shared<Client>(std::move(connection));
  LineReader reader(client->socket);
  if (!reader.next(client->name) || client->name.empty()) return;
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
  for (std::string line; reader.next(line);) room.broadcast(client.get(), client->name + ": " + line + "\n");
}

}  // namespace

int main(int argc, char** argv) {
  const auto port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 7001);
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
