#include "pinfiber/io/line_reader.hpp"

#include <cerrno>
#include <utility>

#include "pinfiber/io/fd.hpp"
#include "pinfiber/io/socket.hpp"

namespace pinfiber {

LineTooLong::LineTooLong(const std::string& what)
    : Error(Verbatim{}, std::make_error_code(std::errc::message_size), what) {}

LineReader::LineReader(Socket& socket) : LineReader(socket, Options{}) {}

LineReader::LineReader(Socket& socket, Options options)
    : read_some_([&socket](void* buf, std::size_t n, TimeSpan timeout) { return socket.recv(buf, n, timeout); }),
      fd_(&socket.fd_object()),
      options_(options) {}

LineReader::LineReader(Fd& fd) : LineReader(fd, Options{}) {}

LineReader::LineReader(Fd& fd, Options options)
    : read_some_([&fd](void* buf, std::size_t n, TimeSpan timeout) { return fd.read(buf, n, timeout); }),
      fd_(&fd),
      options_(options) {}

LineReader::LineReader(ReadSome read_some, std::string source, Options options)
    : read_some_(std::move(read_some)), source_(std::move(source)), options_(options) {}

std::string LineReader::describe() const { return fd_ ? fd_->name() : source_; }

Duration LineReader::default_timeout() const { return fd_ ? fd_->timeout() : forever; }

void LineReader::too_long() const {
  throw LineTooLong("read a line from " + describe() + ": no delimiter in " + std::to_string(options_.max_line) +
                    " bytes (the line was dropped)");
}

std::optional<std::string> LineReader::next(TimeSpan timeout) {
  const Duration limit = timeout.duration() == object_timeout ? default_timeout() : timeout.duration();
  const TimePoint deadline = deadline_in(limit);
  for (;;) {
    // Only bytes not looked at before are scanned: a line arriving a byte at a time costs O(n).
    const std::size_t nl = buffer_.find(options_.delimiter, scanned_);
    if (nl != std::string::npos) {
      if (skipping_) {
        // The tail of a line that was too long: drop it, then go on with the next line.
        skipping_ = false;
        start_ = scanned_ = nl + 1;
        continue;
      }
      std::size_t end = nl;
      if (options_.strip_cr && end > start_ && buffer_[end - 1] == '\r') --end;
      const std::size_t begin = std::exchange(start_, nl + 1);
      scanned_ = start_;
      if (end - begin > options_.max_line) too_long();  // it came whole, in one read
      return buffer_.substr(begin, end - begin);
    }
    scanned_ = buffer_.size();
    if (skipping_) {
      start_ = scanned_ = buffer_.size();  // nothing of a too-long line is kept
    } else if (buffer_.size() - start_ > options_.max_line + (options_.strip_cr ? 1 : 0)) {
      // (A line of max_line bytes may still be waiting for the '\n' of its CRLF.)
      skipping_ = true;
      start_ = scanned_ = buffer_.size();
      too_long();
    }
    if (ended_) {
      if (start_ == buffer_.size()) return std::nullopt;
      std::string last = buffer_.substr(start_);
      start_ = scanned_ = buffer_.size();
      return last;
    }
    // Consumed bytes are dropped before reading more, so the buffer holds at most one line plus
    // one read; moving the rest to the front costs no more than reading it did.
    if (start_ > 0) {
      buffer_.erase(0, start_);
      scanned_ -= start_;
      start_ = 0;
    }
    const std::size_t chunk = 4096;
    const std::size_t old = buffer_.size();
    buffer_.resize(old + chunk);
    std::size_t got = 0;
    try {
      got = read_some_(buffer_.data() + old, chunk,
                       limit == forever ? TimeSpan(forever) : TimeSpan(deadline - Clock::now()));
    } catch (...) {
      buffer_.resize(old);
      throw;
    }
    buffer_.resize(old + got);
    if (got == 0) ended_ = true;
  }
}

}  // namespace pinfiber
