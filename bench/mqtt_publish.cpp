// MQTT publish throughput against a local broker: pinfiber's hub-driven client, or libmosquitto's own
// threaded loop (mosquitto_loop_start) as the peer. Prints messages per second on stdout.
//   bench_mqtt_publish PORT pinfiber|threaded QOS COUNT [PUBLISHERS=20]
// pinfiber: QoS 0 from one greenlet (each publish returns once the socket took it); QoS 1 from
// PUBLISHERS greenlets, each publish() waiting for its PUBACK, so that as many messages are in flight
// as libmosquitto's window (20) allows. threaded: the main thread calls mosquitto_publish COUNT
// times while libmosquitto's thread does the I/O, then waits until on_publish counted them all
// (QoS 0: written; QoS 1: acknowledged). Both clock from the first publish to the last completion.

#include <mosquitto.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include <pinfiber/mqtt.hpp>
#include <pinfiber/pinfiber.hpp>

namespace {

using Clock = std::chrono::steady_clock;
const std::string kPayload(64, 'x');  // a sensor reading's size

double run_pinfiber(std::uint16_t port, int qos, int count, int publishers) {
  pinfiber::mqtt::Client client("127.0.0.1", port, {.client_id = "bench-pinfiber"});
  client.connect(std::chrono::seconds(10));
  const auto start = Clock::now();
  if (qos == 0) {
    for (int i = 0; i < count; ++i) client.publish("bench", kPayload, 0);
  } else {
    std::vector<pinfiber::Greenlet<void>> workers;
    for (int w = 0; w < publishers; ++w) {
      workers.push_back(pinfiber::spawn([&, w] {
        for (int i = w; i < count; i += publishers) client.publish("bench", kPayload, qos);
      }));
    }
    pinfiber::joinall(workers);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  client.disconnect(std::chrono::seconds(5));
  return count / seconds;
}

struct Threaded {
  std::mutex m;
  std::condition_variable cv;
  int done = 0;
  bool connected = false;
};

double run_threaded(std::uint16_t port, int qos, int count) {
  mosquitto_lib_init();
  Threaded t;
  mosquitto* mosq = mosquitto_new("bench-threaded", true, &t);
  mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_connect_callback_set(mosq, [](mosquitto*, void* obj, int) {
    auto* t = static_cast<Threaded*>(obj);
    std::lock_guard l(t->m);
    t->connected = true;
    t->cv.notify_all();
  });
  mosquitto_publish_callback_set(mosq, [](mosquitto*, void* obj, int) {
    auto* t = static_cast<Threaded*>(obj);
    std::lock_guard l(t->m);
    ++t->done;
    t->cv.notify_all();
  });
  if (mosquitto_connect(mosq, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS) std::exit(1);
  mosquitto_loop_start(mosq);
  {
    std::unique_lock l(t.m);
    t.cv.wait(l, [&] { return t.connected; });
  }
  const auto start = Clock::now();
  for (int i = 0; i < count; ++i) {
    mosquitto_publish(mosq, nullptr, "bench", static_cast<int>(kPayload.size()), kPayload.data(), qos, false);
  }
  {
    std::unique_lock l(t.m);
    t.cv.wait(l, [&] { return t.done >= count; });
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  mosquitto_disconnect(mosq);
  mosquitto_loop_stop(mosq, false);
  mosquitto_destroy(mosq);
  return count / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s PORT pinfiber|threaded QOS COUNT [PUBLISHERS]\n", argv[0]);
    return 2;
  }
  const auto port = static_cast<std::uint16_t>(std::atoi(argv[1]));
  const int qos = std::atoi(argv[3]);
  const int count = std::atoi(argv[4]);
  const int publishers = argc > 5 ? std::atoi(argv[5]) : 20;
  const double rate = std::strcmp(argv[2], "threaded") == 0 ? run_threaded(port, qos, count)
                                                            : run_pinfiber(port, qos, count, publishers);
  std::printf("%.0f\n", rate);
  return 0;
}
