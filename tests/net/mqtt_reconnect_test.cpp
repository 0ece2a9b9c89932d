// Losing the connection: the will, automatic reconnection with subscriptions renewed, a QoS 1 stream
// that survives a broker restart without losing a message, and the bounded offline queue.

#include <gmock/gmock.h>

#include <set>

#include <pinfiber/mqtt.hpp>

#include "net/broker.hpp"

using pinfiber::mqtt::Client;
using pinfiber::mqtt::ClientOptions;
using pinfiber::mqtt::Message;
using ::testing::HasSubstr;

class MqttReconnectTest : public MqttTest {};

TEST_F(MqttReconnectTest, TheWillIsPublishedOnAnAbruptDisconnectOnly) {
  mqtt_test::Broker broker;
  mqtt_test::Sub sub(broker.port(), {"-t", "devices/+/status", "-q", "1"});
  ASSERT_TRUE(sub.subscribed());
  {
    // A clean disconnect: the broker discards the will.
    Client polite("127.0.0.1", broker.port(),
                  {.client_id = "polite", .will = pinfiber::mqtt::Will{"devices/polite/status", "offline", 1, false}});
    polite.connect(10s);
    polite.disconnect(5s);
  }
  mqtt_test::Proxy proxy(broker.port());
  Client crashy("127.0.0.1", proxy.port(),
                {.client_id = "crashy",
                 .will = pinfiber::mqtt::Will{"devices/crashy/status", "offline", 1, false},
                 .reconnect = false});
  crashy.connect(10s);
  crashy.publish("devices/crashy/status", "online", 1, false, 10s);
  EXPECT_EQ(sub.message(), "devices/crashy/status online");
  proxy.cut();  // the cable is pulled: no DISCONNECT reaches the broker
  EXPECT_EQ(sub.message(), "devices/crashy/status offline");
  // The client noticed too, and says why.
  for (int i = 0; i < 500 && crashy.connected(); ++i) pinfiber::sleep(0.01);
  EXPECT_FALSE(crashy.connected());
  EXPECT_THAT(crashy.last_error(),
              HasSubstr("connection to MQTT broker 127.0.0.1:" + std::to_string(proxy.port()) + " lost"));
  // Nothing from "polite" came before or after.
  EXPECT_EQ(sub.message(0.5), std::nullopt);
}

TEST_F(MqttReconnectTest, ReconnectsAndRenewsSubscriptions) {
  mqtt_test::Broker broker;
  mqtt_test::Proxy proxy(broker.port());
  Client client("127.0.0.1", proxy.port(), {.client_id = "comeback", .reconnect_min = 0.05, .reconnect_max = 0.2});
  client.connect(10s);
  client.subscribe("cmd/#", 1, 10s);
  proxy.cut();
  for (int i = 0; i < 500 && client.connected(); ++i) pinfiber::sleep(0.01);
  ASSERT_TRUE(client.wait_connected(10s)) << client.last_error();
  // Renewed: a message published now reaches it. The SUBACK may still be on its way, so publish
  // until one arrives (each a separate message; the first one through is enough).
  std::optional<Message> got;
  for (int i = 0; i < 50 && !got; ++i) {
    mqtt_test::pub(broker.port(), {"-t", "cmd/led", "-q", "1", "-m", "ON"});
    try {
      got = client.receive(0.2);
    } catch (const pinfiber::TimeoutError&) {
    }
  }
  ASSERT_TRUE(got);
  EXPECT_EQ(got->topic, "cmd/led");
}

// A QoS 1 stream across a broker restart: every message published is delivered (at least once,
// duplicates being what QoS 1 allows) to a persistent-session mosquitto_sub.
TEST_F(MqttReconnectTest, BrokerRestartMidStreamLosesNothingAtQos1) {
  mqtt_test::Broker broker({.persistence = true});
  mqtt_test::Sub sub(broker.port(), {"-t", "stream", "-q", "1", "-c", "-i", "stream-sub", "-F", "%p"});
  ASSERT_TRUE(sub.subscribed());
  Client client("127.0.0.1", broker.port(),
                {.client_id = "streamer", .reconnect_min = 0.05, .reconnect_max = 0.5, .max_inflight = 5});
  client.connect(10s);
  constexpr int kCount = 300;
  pinfiber::Event halfway;
  auto publisher = pinfiber::spawn([&] {
    for (int i = 0; i < kCount; ++i) {
      client.publish("stream", std::to_string(i), 1, false, 30s);
      if (i == kCount / 3) halfway.set();
    }
  });
  // Reading meanwhile keeps mosquitto_sub's pipe from filling.
  std::multiset<int> received;
  auto reader = pinfiber::spawn([&] {
    while (std::set<int>(received.begin(), received.end()).size() < static_cast<std::size_t>(kCount)) {
      auto m = sub.message(30s);
      if (!m) return;
      received.insert(std::stoi(*m));
    }
  });
  ASSERT_TRUE(halfway.wait(30s));
  broker.stop();  // SIGTERM: it saves the persistent session's queue
  broker.start();
  ASSERT_TRUE(publisher.join(60s)) << client.last_error();
  EXPECT_TRUE(publisher.successful());
  ASSERT_TRUE(reader.join(60s));
  std::set<int> distinct(received.begin(), received.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(*distinct.begin(), 0);
  EXPECT_EQ(*distinct.rbegin(), kCount - 1);
  EXPECT_EQ(client.queued(), 0u);
  RecordProperty("duplicates", static_cast<int>(received.size() - distinct.size()));
}

TEST_F(MqttReconnectTest, OfflineQueueIsBoundedAndDeliveredAfterReconnecting) {
  mqtt_test::Broker broker({.persistence = true});
  mqtt_test::Sub sub(broker.port(), {"-t", "offline/#", "-q", "1", "-c", "-i", "offline-sub"});
  ASSERT_TRUE(sub.subscribed());
  Client client("127.0.0.1", broker.port(),
                {.client_id = "offline", .reconnect_min = 0.05, .reconnect_max = 0.2, .max_queued = 3});
  client.connect(10s);
  broker.stop();
  for (int i = 0; i < 500 && client.connected(); ++i) pinfiber::sleep(0.01);
  ASSERT_FALSE(client.connected());

  // QoS 0 is never queued.
  EXPECT_THROW(client.publish("offline/q0", "x", 0), pinfiber::mqtt::NotConnected);
  // QoS 1 is queued, up to the bound; each publisher waits for its PUBACK meanwhile.
  std::vector<pinfiber::Greenlet<void>> publishers;
  for (int i = 0; i < 3; ++i) {
    publishers.push_back(
        pinfiber::spawn([&, i] { client.publish("offline/" + std::to_string(i), "queued", 1, false, 60s); }));
  }
  pinfiber::sleep(0);  // they run up to their wait
  EXPECT_EQ(client.queued(), 3u);
  try {
    client.publish("offline/3", "one too many", 1);
    FAIL() << "the queue took a fourth message";
  } catch (const pinfiber::mqtt::QueueFull& e) {
    EXPECT_THAT(e.what(), HasSubstr("publish to 'offline/3' on MQTT broker 127.0.0.1:"));
    EXPECT_THAT(e.what(), HasSubstr("3 messages already wait for the broker's acknowledgement"));
  }
  const pinfiber::Full& as_full = pinfiber::mqtt::QueueFull("x");  // a pinfiber::Full, like a full Queue's
  (void)as_full;

  broker.start();
  pinfiber::joinall(publishers, 60s);
  for (auto& p : publishers) EXPECT_TRUE(p.successful());
  EXPECT_EQ(client.queued(), 0u);
  std::set<std::string> lines;
  while (lines.size() < 3) {
    auto m = sub.message(30s);
    ASSERT_TRUE(m);
    lines.insert(*m);
  }
  EXPECT_THAT(lines, ::testing::ElementsAre("offline/0 queued", "offline/1 queued", "offline/2 queued"));
}

TEST_F(MqttReconnectTest, APublishTimeoutLeavesTheMessageQueued) {
  mqtt_test::Broker broker({.persistence = true});
  mqtt_test::Sub sub(broker.port(), {"-t", "late", "-q", "1", "-c", "-i", "late-sub"});
  ASSERT_TRUE(sub.subscribed());
  Client client("127.0.0.1", broker.port(), {.client_id = "late-pub", .reconnect_min = 0.05, .reconnect_max = 0.2});
  client.connect(10s);
  broker.stop();
  for (int i = 0; i < 500 && client.connected(); ++i) pinfiber::sleep(0.01);
  try {
    client.publish("late", "eventually", 1, false, 0.1);
    FAIL();
  } catch (const pinfiber::TimeoutError& e) {
    EXPECT_THAT(e.what(), HasSubstr("the message stays queued and is still delivered"));
  }
  EXPECT_EQ(client.queued(), 1u);
  broker.start();
  EXPECT_EQ(sub.message(30s), "late eventually");
  for (int i = 0; i < 500 && client.queued() > 0; ++i) pinfiber::sleep(0.01);
  EXPECT_EQ(client.queued(), 0u);
}

TEST_F(MqttReconnectTest, WithoutReconnectWaitingPublishersAreTold) {
  mqtt_test::Broker broker;
  mqtt_test::Proxy proxy(broker.port());
  Client client("127.0.0.1", proxy.port(), {.client_id = "no-retry", .reconnect = false});
  client.connect(10s);
  client.disconnect(5s);
  EXPECT_THROW(client.publish("x", "y", 1), pinfiber::mqtt::NotConnected);
  // connect() again after disconnect() works.
  client.connect(10s);
  client.publish("x", "y", 1, false, 10s);
}

// The keepalive runs on the hub's timer: an idle connection is kept up by pings alone (the broker
// drops a client it has not heard from for 1.5 keepalive intervals), and a broker gone silent is
// noticed once a ping goes unanswered.
TEST_F(MqttReconnectTest, KeepalivePingsAnIdleConnectionAndNoticesASilentBroker) {
  mqtt_test::Broker broker;
  mqtt_test::Proxy proxy(broker.port());
  Client client("127.0.0.1", proxy.port(), {.client_id = "idle", .keepalive = 5, .reconnect = false});
  client.connect(10s);
  pinfiber::sleep(9);  // the scenario itself: nine seconds without a message
  EXPECT_TRUE(client.connected());
  EXPECT_THAT(broker.log(), HasSubstr("Received PINGREQ from idle"));
  client.publish("still/here", "yes", 1, false, 5s);  // the broker kept the session
  proxy.freeze();
  for (int i = 0; i < 300 && client.connected(); ++i) pinfiber::sleep(0.1);
  EXPECT_FALSE(client.connected());
  EXPECT_THAT(client.last_error(), HasSubstr("lost: no answer to a keepalive ping within 5 s"));
}
