#include "http_request_parser.hpp"

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <optional>

namespace pinfiber::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

// Beast's parser with the callbacks that fill a Request.
class Parser final : public bhttp::basic_parser<true> {
 public:
  explicit Parser(Request& req) : req_(req) {}

 private:
  void on_request_impl(bhttp::verb, beast::string_view method, beast::string_view target, int version,
                       beast::error_code&) override {
    req_.method.assign(method.data(), method.size());
    req_.target.assign(target.data(), target.size());
    req_.version = version;
  }
  void on_response_impl(int, beast::string_view, int, beast::error_code&) override {}
  void on_field_impl(bhttp::field, beast::string_view name, beast::string_view value, beast::error_code&) override {
    req_.headers.add(std::string(sv(name)), std::string(sv(value)));
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, beast::error_code&) override {
    if (length) req_.body.reserve(static_cast<std::size_t>(*length));
  }
  std::size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, beast::error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  Request& req_;
};

}  // namespace

struct RequestParser::Beast {
  std::optional<Parser> parser;
  Request* req = nullptr;
};

RequestParser::RequestParser(std::size_t max_header, std::size_t max_body)
    : beast_(std::make_unique<Beast>()), max_header_(max_header), max_body_(max_body) {}

RequestParser::~RequestParser() = default;

void RequestParser::reset(Request& req) {
  req.method.clear();
  req.target.clear();
  req.path.clear();
  req.query.clear();
  req.headers.clear();
  req.body.clear();
  req.params.clear();
  req.version = 11;
  beast_->req = &req;
  beast_->parser.emplace(req);
  Parser& p = *beast_->parser;
  p.header_limit(static_cast<std::uint32_t>(max_header_));
  p.body_limit(static_cast<std::uint64_t>(max_body_));
  p.eager(true);  // the header and as much body as is here, in one call
  error_status_ = 0;
  error_text_.clear();
}

std::size_t RequestParser::feed(std::string_view data) {
  Parser& p = *beast_->parser;
  beast::error_code ec;
  const std::size_t used = p.put(boost::asio::const_buffer(data.data(), data.size()), ec);
  if (!ec || ec == bhttp::error::need_more) {
    if (p.is_header_done() && !error_status_) {
      const Request& req = *beast_->req;
      if (req.version != 10 && req.version != 11) {
        error_status_ = 505;
        error_text_ = "only HTTP/1.0 and HTTP/1.1 are served";
      } else if (req.version == 11 && !req.headers.contains("Host")) {
        error_status_ = 400;  // RFC 9112 3.2: a request without Host is answered 400
        error_text_ = "an HTTP/1.1 request must have a Host header";
      }
    }
    return used;
  }
  if (ec == bhttp::error::header_limit) {
    error_status_ = 431;
    error_text_ = "the request line and headers exceed " + std::to_string(max_header_) + " bytes";
  } else if (ec == bhttp::error::body_limit) {
    error_status_ = 413;
    error_text_ = "the request body exceeds " + std::to_string(max_body_) + " bytes";
  } else {
    error_status_ = 400;
    error_text_ = "malformed request (" + ec.message() + ")";
  }
  return used;
}

bool RequestParser::started() const { return beast_->parser->got_some(); }
bool RequestParser::header_done() const { return beast_->parser->is_header_done(); }
bool RequestParser::done() const { return beast_->parser->is_done(); }
bool RequestParser::keep_alive() const { return beast_->parser->keep_alive(); }

bool RequestParser::expects_continue() const {
  const auto expect = beast_->req->headers.get("Expect");
  return expect && iequals(*expect, "100-continue");
}

}  // namespace pinfiber::http::detail
