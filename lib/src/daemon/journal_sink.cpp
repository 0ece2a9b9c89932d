#include "pinfiber/daemon/journal_sink.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string_view>

#include "daemon/unix_datagram.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber {

namespace {

// A journal field name: upper-case letters, digits and '_', not starting with a digit or '_' (a
// leading '_' marks the fields journald itself vouches for, and it drops them from clients), at most
// 64 characters.
std::string field_name(std::string_view key) {
  std::string name;
  if (key.empty() || key[0] == '_' || (key[0] >= '0' && key[0] <= '9')) name = "F_";
  for (char c : key) {
    if (c >= 'a' && c <= 'z') {
      name += static_cast<char>(c - 'a' + 'A');
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
      name += c;
    } else {
      name += '_';
    }
  }
  if (name.size() > 64) name.resize(64);
  return name;
}

void add_field(std::string& out, std::string_view name, std::string_view value) {
  if (value.find('\n') == std::string_view::npos) {
    out.append(name).append("=").append(value).append("\n");
    return;
  }
  out.append(name).append("\n");
  std::uint64_t n = value.size();
  for (int i = 0; i < 8; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);  // little-endian
  out.append(value).append("\n");
}

}  // namespace

bool journal_available() { return logging::is_journal_stream(2) && ::access(journal_socket_path, W_OK) == 0; }

JournalSink::JournalSink(std::string socket_path) : path_(std::move(socket_path)) {
  fd_ = detail::open_unix_datagram();
  if (fd_ < 0) throw Error(errno, "open a socket to the journal at " + path_);
}

JournalSink::~JournalSink() { ::close(fd_); }

std::string JournalSink::encode(const logging::Record& r) {
  std::string out;
  out.reserve(256 + r.message.size());
  if (r.source.empty()) {
    add_field(out, "MESSAGE", r.message);
  } else {
    add_field(out, "MESSAGE", std::string(r.source) + ": " + std::string(r.message));
  }
  add_field(out, "PRIORITY", std::to_string(static_cast<int>(r.level)));
  if (!r.identifier.empty()) add_field(out, "SYSLOG_IDENTIFIER", r.identifier);
  bool greenlet_given = false;
  for (const logging::Field& f : r.fields) {
    if (f.key() == "greenlet") greenlet_given = true;
    add_field(out, field_name(f.key()), f.value());
  }
  if (!greenlet_given && !r.greenlet.empty()) add_field(out, "GREENLET", r.greenlet);
  if (r.where.file_name() && *r.where.file_name()) {
    add_field(out, "CODE_FILE", r.where.file_name());
    add_field(out, "CODE_LINE", std::to_string(r.where.line()));
    add_field(out, "CODE_FUNC", r.where.function_name());
  }
  return out;
}

void JournalSink::write(const logging::Record& record) {
  sockaddr_un sa;
  socklen_t len;
  if (!detail::unix_address(path_, sa, len)) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const std::string entry = encode(record);
  int err = detail::send_datagram(fd_, sa, len, entry);
  if (err == EMSGSIZE || err == ENOBUFS) {
    // Too large for one datagram: the entry goes in a memfd, sealed so journald can read it without
    // fearing that it changes under it, passed with an empty datagram.
    const int mem = ::memfd_create("pinfiber-journal", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (mem >= 0) {
      std::size_t done = 0;
      while (done < entry.size()) {
        const ssize_t n = ::write(mem, entry.data() + done, entry.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
      }
      if (done == entry.size() &&
          ::fcntl(mem, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) == 0) {
        err = detail::send_datagram(fd_, sa, len, {}, mem);
      }
      ::close(mem);
    }
  }
  if (err != 0) dropped_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace pinfiber
