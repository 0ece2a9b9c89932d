#pragma once
// Metrics: counters and gauges a daemon keeps, served as Prometheus's text format (version 0.0.4)
// for a scraper (Prometheus, Grafana Agent, Telegraf) on GET /metrics.
//
//   pinfiber::http::Metrics metrics;
//   auto& presses = metrics.counter("button_presses_total", "Presses of the button");
//   metrics.gauge_fn("led_on", "1 while the LED is lit", [&] { return led.is_lit() ? 1.0 : 0.0; });
//   server.get("/metrics", metrics.handler());
//   presses.inc();

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "pinfiber/net/http_server.hpp"

namespace pinfiber::http {

/// Label names and values of one series: {{"pin", "17"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

/// Only goes up (Prometheus: a _total name). Never blocks.
class Counter {
 public:
  void inc(double by = 1) { value_ += by; }
  double value() const { return value_; }

 private:
  double value_ = 0;
};

/// Goes up and down. Never blocks.
class Gauge {
 public:
  void set(double v) { value_ = v; }
  void inc(double by = 1) { value_ += by; }
  void dec(double by = 1) { value_ -= by; }
  double value() const { return value_; }

 private:
  double value_ = 0;
};

/// A registry of metrics for one hub (not thread-safe, as everything of a hub). Metric and label names
/// are checked ([a-zA-Z_:][a-zA-Z0-9_:]*; Error otherwise); the same name and labels return the same
/// series, so `counter("x", ..., {{"code", "200"}})` may be called on every request. References stay
/// valid for the registry's life.
class Metrics {
 public:
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  /// A gauge whose value `read` gives at each scrape (the LED's state, a queue's length).
  void gauge_fn(const std::string& name, const std::string& help, std::function<double()> read,
                const Labels& labels = {});

  /// A counter whose value `read` gives at each scrape (a count the program keeps anyway).
  void counter_fn(const std::string& name, const std::string& help, std::function<double()> read,
                  const Labels& labels = {});

  /// Everything in Prometheus's text format, families in the order they were made.
  std::string render() const;
  /// A route handler serving render() ("text/plain; version=0.0.4").
  Handler handler();

 private:
  struct Series {
    Labels labels;
    Counter counter;
    Gauge gauge;
    std::function<double()> read;
  };
  struct Family {
    std::string name, help, type;
    std::list<Series> series;  // a list: references to its counters stay valid as it grows
  };
  Series& series(const std::string& name, const std::string& help, const char* type, const Labels& labels);
  std::list<Family> families_;
  std::map<std::string, Family*, std::less<>> by_name_;
};

}  // namespace pinfiber::http
