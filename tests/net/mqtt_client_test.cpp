// The MQTT client against a real mosquitto broker, with the real mosquitto_sub / mosquitto_pub on the
// other side: QoS 0/1/2 both ways, retained messages, handlers, unsubscribe, bad input.

#include <gmock/gmock.h>

#include <pinfiber/mqtt.hpp>

#include "net/broker.hpp"

using pinfiber::mqtt::Client;
using pinfiber::mqtt::ClientOptions;
using pinfiber::mqtt::Message;
using ::testing::HasSubstr;

class MqttClientTest : public MqttTest {};

TEST_F(MqttClientTest, PublishesQos012ThatMosquittoSubReceives) {
  mqtt_test::Broker broker;
  mqtt_test::Sub sub(broker.port(), {"-t", "out/#", "-q", "2", "-F", "%t q%q %p"});
  ASSERT_TRUE(sub.subscribed());
  Client client("127.0.0.1", broker.port(), {.client_id = "pub-test"});
  client.connect(10s);
  EXPECT_TRUE(client.connected());
  client.publish("out/a", "zero", 0);
  client.publish("out/b", "one", 1);  // returns after PUBACK
  client.publish("out/c", "two", 2);  // returns after PUBCOMP
  EXPECT_EQ(client.queued(), 0u);
  EXPECT_EQ(sub.message(), "out/a q0 zero");
  EXPECT_EQ(sub.message(), "out/b q1 one");
  EXPECT_EQ(sub.message(), "out/c q2 two");
  client.disconnect(5s);
  EXPECT_FALSE(client.connected());
}

TEST_F(MqttClientTest, ReceivesWhatMosquittoPubSendsAtEachQos) {
  mqtt_test::Broker broker;
  Client client("127.0.0.1", broker.port(), {.client_id = "sub-test"});
  client.connect(10s);
  EXPECT_EQ(client.subscribe("in/#", 2, 10s), 2);
  EXPECT_EQ(client.subscribe("low/#", 1, 10s), 1);
  mqtt_test::pub(broker.port(), {"-t", "in/zero", "-q", "0", "-m", "payload 0"});
  mqtt_test::pub(broker.port(), {"-t", "in/one", "-q", "1", "-m", "payload 1"});
  mqtt_test::pub(broker.port(), {"-t", "in/two", "-q", "2", "-m", "payload 2"});
  Message m = client.receive(10s);
  EXPECT_EQ(m.topic, "in/zero");
  EXPECT_EQ(m.payload, "payload 0");
  EXPECT_EQ(m.qos, 0);
  m = client.receive(10s);
  EXPECT_EQ(m.topic, "in/one");
  EXPECT_EQ(m.qos, 1);
  m = client.receive(10s);
  EXPECT_EQ(m.topic, "in/two");
  EXPECT_EQ(m.payload, "payload 2");
  EXPECT_EQ(m.qos, 2);
  EXPECT_FALSE(m.retain);
  // Published only now: a QoS 2 message is handed over at PUBREL, one round trip after a QoS 1
  // message would be, so publishing both at once would race them.
  mqtt_test::pub(broker.port(), {"-t", "low/two", "-q", "2", "-m", "downgraded"});
  m = client.receive(10s);
  EXPECT_EQ(m.topic, "low/two");
  EXPECT_EQ(m.qos, 1);  // the subscription's QoS caps the delivery
}

TEST_F(MqttClientTest, BinaryPayloadsArriveIntact) {
  mqtt_test::Broker broker;
  Client client("127.0.0.1", broker.port(), {.client_id = "binary"});
  client.connect(10s);
  client.subscribe("bin", 1, 10s);
  std::string payload;
  for (int i = 0; i < 70000; ++i) payload.push_back(static_cast<char>(i * 7));  // NULs, and > 64 KiB
  client.publish("bin", payload, 1, false, 10s);
  const Message m = client.receive(10s);
  EXPECT_EQ(m.payload.size(), payload.size());
  EXPECT_TRUE(m.payload == payload);
}

TEST_F(MqttClientTest, RetainedMessagesBothWays) {
  mqtt_test::Broker broker;
  {
    Client client("127.0.0.1", broker.port(), {.client_id = "retain-pub"});
    client.connect(10s);
    client.publish("state/led", "ON", 1, true, 10s);
    client.disconnect(5s);
  }
  // A subscriber that comes later gets it, flagged retained (%r).
  mqtt_test::Sub sub(broker.port(), {"-t", "state/led", "-q", "1", "-C", "1", "-F", "%t %p r%r"});
  EXPECT_EQ(sub.message(), "state/led ON r1");

  mqtt_test::pub(broker.port(), {"-t", "state/door", "-q", "1", "-r", "-m", "closed"});
  Client late("127.0.0.1", broker.port(), {.client_id = "retain-sub"});
  late.connect(10s);
  late.subscribe("state/door", 1, 10s);
  const Message m = late.receive(10s);
  EXPECT_EQ(m.payload, "closed");
  EXPECT_TRUE(m.retain);
}

TEST_F(MqttClientTest, IteratesUntilDisconnected) {
  mqtt_test::Broker broker;
  Client client("127.0.0.1", broker.port(), {.client_id = "iterate"});
  client.connect(10s);
  client.subscribe("it/#", 1, 10s);
  auto publisher = pinfiber::spawn([&] {
    for (int i = 0; i < 5; ++i) mqtt_test::pub(broker.port(), {"-t", "it/" + std::to_string(i), "-q", "1", "-m", "x"});
  });
  std::vector<std::string> topics;
  for (const Message& m : client.messages()) {
    topics.push_back(m.topic);
    if (topics.size() == 5) client.disconnect(5s);  // ends the iteration once drained
  }
  publisher.join();
  EXPECT_THAT(topics, ::testing::ElementsAre("it/0", "it/1", "it/2", "it/3", "it/4"));
}

TEST_F(MqttClientTest, HandlersRunInAGreenletInOrderAndMayBlock) {
  mqtt_test::Broker broker;
  Client client("127.0.0.1", broker.port(), {.client_id = "handlers"});
  std::vector<std::string> seen;
  pinfiber::Event all;
  client.on_message("led/set", [&](const Message& m) {
    pinfiber::sleep(0);  // a handler may block: it runs in a greenlet, not in the hub
    seen.push_back("led " + m.payload);
    if (m.payload == "OFF") all.set();
  });
  client.on_message("#", [&](const Message& m) { seen.push_back("any " + m.topic); });
  client.connect(10s);
  client.subscribe("led/set", 1, 10s);
  client.subscribe("other", 1, 10s);
  mqtt_test::pub(broker.port(), {"-t", "led/set", "-q", "1", "-m", "ON"});
  mqtt_test::pub(broker.port(), {"-t", "led/set", "-q", "1", "-m", "OFF"});
  mqtt_test::pub(broker.port(), {"-t", "other", "-q", "1", "-m", "x"});
  ASSERT_TRUE(all.wait(10s)) << ::testing::PrintToString(seen);
  for (int i = 0; i < 1000 && seen.size() < 5; ++i) pinfiber::sleep(0.01);
  // Each message to every matching handler in the order they were added; messages in order.
  EXPECT_THAT(seen, ::testing::ElementsAre("led ON", "any led/set", "led OFF", "any led/set", "any other"));
  // "other" matched a handler ("#"), so it never reaches receive().
  EXPECT_THROW(client.receive(0.2), pinfiber::TimeoutError);
}

TEST_F(MqttClientTest, UnsubscribeStopsDelivery) {
  mqtt_test::Broker broker;
  Client client("127.0.0.1", broker.port(), {.client_id = "unsub"});
  client.connect(10s);
  client.subscribe("a", 1, 10s);
  client.subscribe("b", 1, 10s);
  client.unsubscribe("a", 10s);
  mqtt_test::pub(broker.port(), {"-t", "a", "-q", "1", "-m", "gone"});
  mqtt_test::pub(broker.port(), {"-t", "b", "-q", "1", "-m", "kept"});
  // Both went through the same broker in this order: "b" arriving first means "a" was not sent.
  EXPECT_EQ(client.receive(10s).topic, "b");
}

TEST_F(MqttClientTest, BadInputIsRefusedWithClearErrors) {
  mqtt_test::Broker broker;
  Client client("127.0.0.1", broker.port(), {.client_id = "bad-input"});
  try {
    client.publish("x", "y", 1);
    FAIL() << "published before connect()";
  } catch (const pinfiber::mqtt::NotConnected& e) {
    EXPECT_THAT(e.what(), HasSubstr("call connect() first"));
  }
  client.connect(10s);
  try {
    client.publish("a/#", "y", 1);
    FAIL() << "published to a wildcard";
  } catch (const pinfiber::mqtt::MqttError& e) {
    EXPECT_THAT(e.what(), HasSubstr("publish to 'a/#' on MQTT broker 127.0.0.1:"));
    EXPECT_THAT(e.what(), HasSubstr("invalid topic"));
  }
  EXPECT_THROW(client.publish("a", "y", 3), pinfiber::mqtt::MqttError);
  EXPECT_THROW(client.subscribe("a/#/b", 0), pinfiber::mqtt::MqttError);
  EXPECT_THROW(client.receive(0.1), pinfiber::TimeoutError);
  EXPECT_THROW(Client("127.0.0.1", 1883, {.keepalive = 2}), pinfiber::mqtt::MqttError);
  EXPECT_THROW(Client("127.0.0.1", 1883, {.clean_session = false}), pinfiber::mqtt::MqttError);
  // The client still works.
  client.publish("a", "y", 1, false, 10s);
}

// A burst of QoS 0 messages, more than the socket takes at once: publish() waits for room (the send
// buffer holds 64 unwritten messages), and every message arrives, in order.
TEST_F(MqttClientTest, AQos0BurstArrivesWholeAndInOrder) {
  mqtt_test::Broker broker;
  Client sub("127.0.0.1", broker.port(), {.client_id = "burst-sub", .max_incoming = 1000});
  sub.connect(10s);
  sub.subscribe("burst", 0, 10s);
  Client pub("127.0.0.1", broker.port(), {.client_id = "burst-pub"});
  pub.connect(10s);
  constexpr int kCount = 500;  // below mosquitto's default queue of 1000 per client, which drops beyond
  const std::string filler(8192, '.');
  for (int i = 0; i < kCount; ++i) pub.publish("burst", std::to_string(i) + filler, 0, false, 10s);
  for (int i = 0; i < kCount; ++i) {
    const Message m = sub.receive(10s);
    ASSERT_EQ(m.payload.substr(0, m.payload.size() - filler.size()), std::to_string(i));
  }
}
