#pragma once
// Private to the HTTP client: one transfer (a libcurl easy handle and what it gathered) and the hub's
// libcurl multi handle, which the hub drives. See http_multi.cpp for how.

#include <curl/curl.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/detail/watch.hpp"
#include "pinfiber/core/hub.hpp"
#include "pinfiber/net/http_headers.hpp"

namespace pinfiber::http::detail {

/// One request on the wire. Everything here is written by libcurl's callbacks, which run in the hub
/// (inside curl_multi_socket_action), and read by the greenlet that waits for it.
struct Transfer {
  Transfer();
  /// Takes it out of the multi handle if it is still there (an abandoned transfer: its connection
  /// is closed, not reused) and frees it.
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  CURL* easy = nullptr;
  pinfiber::detail::Fiber* waiter = nullptr;  // the greenlet to wake on progress
  bool in_multi = false;
  bool done = false;               // libcurl finished it: `result` says how
  bool headers_done = false;       // the final (non-1xx) response's headers are all here
  bool discard_body = false;       // a redirect being followed: its body is not wanted
  bool streaming = false;          // the body is read by a BodyStream as it comes
  bool paused = false;             // libcurl was told to hold the body (the stream buffer is full)
  bool too_large = false;          // the body passed `limit` (not streaming)
  bool wake_on_data = false;       // wake the waiter for headers and body bytes, not just at the end
  bool has_socket = false;         // libcurl asked to watch a socket for it (for timeout messages)
  bool awaiting_response = false;  // ... for reading only: the request went out
  CURLcode result = CURLE_OK;
  int status = 0;
  Headers headers;
  std::string body;       // the whole body, or (streaming) the part not read yet
  std::size_t limit = 0;  // max body, or the stream buffer
  std::string request_body;
  curl_slist* header_list = nullptr;
  curl_slist* resolve_list = nullptr;
  char error[CURL_ERROR_SIZE] = {};

  void wake();
};

/// The hub's libcurl multi handle, as a hub service: one per hub, so every Client of the hub shares
/// its connection cache. libcurl names the sockets to watch (CURLMOPT_SOCKETFUNCTION: one FdWatch
/// each) and when to call it back (CURLMOPT_TIMERFUNCTION: a RealTimer - libcurl measures its own
/// timeouts on the real monotonic clock, so a timer on the paused test clock would fire at once, find
/// nothing due and re-arm forever); on either, the hub calls curl_multi_socket_action, then collects
/// finished transfers and wakes their greenlets.
class Multi {
 public:
  explicit Multi(Hub& hub);
  ~Multi();
  Multi(const Multi&) = delete;
  Multi& operator=(const Multi&) = delete;

  static Multi& of_hub();

  void add(Transfer& t);
  void remove(Transfer& t);
  /// Unpauses a paused transfer (a stream's reader made room).
  void resume(Transfer& t);
  /// Closes idle connections by recreating the multi handle; nothing while transfers run.
  void close_idle();

 private:
  CURLM* handle();
  static int on_socket(CURL* easy, curl_socket_t s, int what, void* userp, void* socketp);
  static int on_timer_change(CURLM* multi, long timeout_ms, void* userp);
  static void on_io(pinfiber::detail::FdWatch& w, int events);
  static void on_timer(pinfiber::detail::RealTimer& t);
  void collect_done();
  void settle();

  Hub& hub_;
  CURLM* multi_ = nullptr;
  std::map<curl_socket_t, std::unique_ptr<pinfiber::detail::FdWatch>> watches_;
  pinfiber::detail::RealTimer timer_{&Multi::on_timer, this};
  int running_ = 0;        // transfers in the multi handle
  bool settling_ = false;  // a paused clock's jump is held off until the loop polls again
};

}  // namespace pinfiber::http::detail
