#include "pinfiber/net/http_response_writer.hpp"

#include <sys/uio.h>

#include <cstdio>

#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/io/socket.hpp"
#include "pinfiber/net/http_errors.hpp"

namespace pinfiber::http {

ResponseWriter::ResponseWriter(Socket& socket, int version, bool keep_alive, bool head, Duration send_timeout,
                               const std::string* date, const bool* stopping)
    : socket_(socket),
      version_(version),
      keep_alive_(keep_alive),
      head_only_(head),
      send_timeout_(send_timeout),
      date_(date),
      stopping_(stopping) {}

std::string ResponseWriter::head(std::string_view content_type, long long length) {
  std::string h;
  h.reserve(160 + headers_.size() * 32);
  h += version_ == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  h += std::to_string(status_);
  h += ' ';
  h += reason_phrase(status_);
  h += "\r\nServer: pinfiber\r\n";
  if (date_) {
    h += "Date: ";
    h += *date_;
    h += "\r\n";
  }
  if (!content_type.empty() && !headers_.contains("Content-Type")) {
    h += "Content-Type: ";
    h += content_type;
    h += "\r\n";
  }
  for (const auto& [name, value] : headers_) {
    if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") || iequals(name, "Connection")) continue;
    h += name;
    h += ": ";
    h += value;
    h += "\r\n";
  }
  if (length >= 0) {
    h += "Content-Length: ";
    h += std::to_string(length);
    h += "\r\n";
  } else if (chunked_) {
    h += "Transfer-Encoding: chunked\r\n";
  }
  if (stopping_ && *stopping_) keep_alive_ = false;
  // HTTP/1.1 keeps connections alive unless told; HTTP/1.0 closes them unless told.
  if (!keep_alive_ && version_ == 11) h += "Connection: close\r\n";
  if (keep_alive_ && version_ == 10) h += "Connection: keep-alive\r\n";
  h += "\r\n";
  return h;
}

// Both pieces in one system call (the head and a small body in one TCP segment); the rest, if the
// kernel took less, in the retry loop of send_all.
void ResponseWriter::send_bytes(std::string_view a, std::string_view b, TimeSpan timeout) {
  const Duration t = timeout.duration() == object_timeout ? send_timeout_ : timeout.duration();
  try {
    pinfiber::detail::cooperate();  // as every fd call does: a client that always takes cannot starve the hub
    iovec iov[2] = {{const_cast<char*>(a.data()), a.size()}, {const_cast<char*>(b.data()), b.size()}};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = b.empty() ? 1 : 2;
    const ssize_t n = ::sendmsg(socket_.fd(), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    std::size_t sent = n > 0 ? static_cast<std::size_t>(n) : 0;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      throw Error(errno, "send an HTTP response to " + socket_.fd_object().name());
    }
    if (sent < a.size()) {
      socket_.send_all(a.substr(sent), t);
      sent = a.size();
    }
    if (sent - a.size() < b.size()) socket_.send_all(b.substr(sent - a.size()), t);
  } catch (...) {
    broken_ = true;
    keep_alive_ = false;
    throw;
  }
}

void ResponseWriter::send(std::string_view body, std::string_view content_type) {
  if (started_) throw Error("send an HTTP response: the response was already started");
  started_ = true;
  finished_ = true;
  const bool no_body = status_ == 204 || status_ == 304 || (status_ >= 100 && status_ < 200);
  const std::string h = head(content_type, no_body ? -1 : static_cast<long long>(body.size()));
  body_bytes_ = body.size();
  send_bytes(h, head_only_ || no_body ? std::string_view() : body, object_timeout);
}

void ResponseWriter::begin(std::string_view content_type) {
  if (started_) throw Error("start an HTTP response: the response was already started");
  started_ = true;
  if (version_ == 11) {
    chunked_ = true;
  } else {
    keep_alive_ = false;  // HTTP/1.0: the end of the connection is the end of the body
  }
  const std::string h = head(content_type, -1);
  send_bytes(h, {}, object_timeout);
  if (head_only_) finished_ = true;
}

void ResponseWriter::write(std::string_view data, TimeSpan timeout) {
  if (!started_) begin("application/octet-stream");
  if (finished_) {
    if (head_only_) return;
    throw Error("write to an HTTP response: the response has ended");
  }
  if (data.empty()) return;
  body_bytes_ += data.size();
  if (!chunked_) {
    send_bytes(data, {}, timeout);
    return;
  }
  char size[24];
  const int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string framed;
  framed.reserve(static_cast<std::size_t>(n) + data.size() + 2);
  framed.append(size, static_cast<std::size_t>(n));
  framed.append(data);
  framed.append("\r\n");
  send_bytes(framed, {}, timeout);
}

void ResponseWriter::end() {
  if (!started_) {
    send({}, {});
    return;
  }
  if (finished_) return;
  finished_ = true;
  if (chunked_) send_bytes("0\r\n\r\n", {}, object_timeout);
}

EventStream ResponseWriter::event_stream() {
  headers_.set("Cache-Control", "no-cache");
  begin("text/event-stream");
  return EventStream(*this);
}

void EventStream::send(std::string_view data, std::string_view event, std::string_view id) {
  std::string out;
  out.reserve(data.size() + event.size() + id.size() + 32);
  if (!event.empty()) {
    out += "event: ";
    out += event;
    out += '\n';
  }
  if (!id.empty()) {
    out += "id: ";
    out += id;
    out += '\n';
  }
  // Each line of the data is a data: line; the client joins them with newlines again.
  std::size_t start = 0;
  for (;;) {
    const std::size_t nl = data.find('\n', start);
    out += "data: ";
    out += data.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    out += '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  out += '\n';
  res_->write(out);
}

void EventStream::comment(std::string_view text) {
  std::string out = ":";
  out += text;
  out += "\n\n";
  res_->write(out);
}

void EventStream::retry(Duration after) {
  res_->write("retry: " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(after).count()) +
              "\n\n");
}

}  // namespace pinfiber::http
