#include "pinfiber/net/http_metrics.hpp"

#include <cmath>
#include <cstdio>

namespace pinfiber::http {

namespace {

bool valid_name(const std::string& name, bool colon_ok) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_ok && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// Prometheus's escapes: in HELP, backslash and newline; in label values, also the double quote.
std::string escape(const std::string& text, bool quote) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", v);
  }
  return buf;
}

}  // namespace

Metrics::Series& Metrics::series(const std::string& name, const std::string& help, const char* type,
                                 const Labels& labels) {
  if (!valid_name(name, true)) throw Error("metric name '" + name + "' is not [a-zA-Z_:][a-zA-Z0-9_:]*");
  for (const auto& [k, v] : labels) {
    if (!valid_name(k, false) || k.starts_with("__")) {
      throw Error("label name '" + k + "' of metric '" + name + "' is not [a-zA-Z_][a-zA-Z0-9_]*");
    }
  }
  Family* f;
  if (auto it = by_name_.find(name); it != by_name_.end()) {
    f = it->second;
    if (f->type != type) throw Error("metric '" + name + "' is a " + f->type + ", not a " + type);
  } else {
    families_.push_back(Family{name, help, type, {}});
    f = &families_.back();
    by_name_.emplace(name, f);
  }
  for (Series& s : f->series) {
    if (s.labels == labels) return s;
  }
  f->series.push_back(Series{labels, {}, {}, {}});
  return f->series.back();
}

Counter& Metrics::counter(const std::string& name, const std::string& help, const Labels& labels) {
  return series(name, help, "counter", labels).counter;
}

Gauge& Metrics::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  return series(name, help, "gauge", labels).gauge;
}

void Metrics::gauge_fn(const std::string& name, const std::string& help, std::function<double()> read,
                       const Labels& labels) {
  series(name, help, "gauge", labels).read = std::move(read);
}

void Metrics::counter_fn(const std::string& name, const std::string& help, std::function<double()> read,
                         const Labels& labels) {
  series(name, help, "counter", labels).read = std::move(read);
}

std::string Metrics::render() const {
  std::string out;
  for (const Family& f : families_) {
    out += "# HELP " + f.name + " " + escape(f.help, false) + "\n";
    out += "# TYPE " + f.name + " " + f.type + "\n";
    for (const Series& s : f.series) {
      out += f.name;
      if (!s.labels.empty()) {
        out += '{';
        for (std::size_t i = 0; i < s.labels.size(); ++i) {
          if (i) out += ',';
          out += s.labels[i].first + "=\"" + escape(s.labels[i].second, true) + "\"";
        }
        out += '}';
      }
      const double v = s.read ? s.read() : (f.type == "counter" ? s.counter.value() : s.gauge.value());
      out += ' ' + number(v) + '\n';
    }
  }
  return out;
}

Handler Metrics::handler() {
  return
      [this](const Request&, ResponseWriter& res) { res.send(render(), "text/plain; version=0.0.4; charset=utf-8"); };
}

}  // namespace pinfiber::http
