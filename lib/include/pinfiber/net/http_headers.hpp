#pragma once
// Headers: an HTTP message's header fields, in the order they came, looked up without regard to case
// (RFC 9110: field names are case-insensitive). Used by the client's requests and responses and by the
// server's requests and responses alike.
//
//   pinfiber::http::Headers h{{"Accept", "application/json"}};
//   h.set("X-Token", token);
//   if (auto type = response.headers.get("content-type")) ...

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pinfiber::http {

/// True if `a` and `b` are equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);

class Headers {
 public:
  using Field = std::pair<std::string, std::string>;
  Headers() = default;
  Headers(std::initializer_list<Field> fields) : fields_(fields) {}

  /// Appends a field (a repeated name is kept as another field, as Set-Cookie needs).
  void add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
  /// Replaces every field called `name` by one with `value`.
  void set(std::string name, std::string value);
  /// Removes every field called `name`; returns how many there were.
  std::size_t remove(std::string_view name);
  /// The first value of `name`, if there is one.
  std::optional<std::string_view> get(std::string_view name) const;
  /// The first value of `name`, or `fallback`.
  std::string_view value(std::string_view name, std::string_view fallback = {}) const {
    return get(name).value_or(fallback);
  }
  bool contains(std::string_view name) const { return get(name).has_value(); }

  std::size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  void clear() { fields_.clear(); }
  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }

 private:
  std::vector<Field> fields_;
};

}  // namespace pinfiber::http
