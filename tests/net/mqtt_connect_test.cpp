// Connecting: credentials, TLS with the test's own CA, and the ways a connection fails - each a
// clear error naming the broker and the cause.

#include <gmock/gmock.h>

#include <pinfiber/mqtt.hpp>

#include "net/broker.hpp"

using pinfiber::mqtt::Client;
using pinfiber::mqtt::ClientOptions;
using ::testing::HasSubstr;

class MqttConnectTest : public MqttTest {};

TEST_F(MqttConnectTest, UserAndPasswordAreChecked) {
  mqtt_test::Broker broker({.users = {{"pi", "raspberry"}}});
  Client good("127.0.0.1", broker.port(), {.client_id = "good", .username = "pi", .password = "raspberry"});
  good.connect(10s);
  EXPECT_TRUE(good.connected());

  Client bad("127.0.0.1", broker.port(), {.client_id = "bad", .username = "pi", .password = "wrong"});
  try {
    bad.connect(10s);
    FAIL() << "connected with a wrong password";
  } catch (const pinfiber::mqtt::ConnectionRefused& e) {
    // mosquitto answers a wrong password with "not authorised" (5) in MQTT 3.1.1.
    EXPECT_TRUE(e.return_code() == 4 || e.return_code() == 5) << e.return_code();
    EXPECT_THAT(e.what(), HasSubstr("connect to MQTT broker 127.0.0.1:" + std::to_string(broker.port()) +
                                    " as 'bad': refused: "));
    EXPECT_THAT(e.what(), HasSubstr("(CONNACK " + std::to_string(e.return_code()) + ")"));
  }
  EXPECT_FALSE(bad.connected());
  Client anonymous("127.0.0.1", broker.port(), {.client_id = "anon"});
  EXPECT_THROW(anonymous.connect(10s), pinfiber::mqtt::ConnectionRefused);
  // The good one was not disturbed.
  good.publish("still/here", "yes", 1, false, 10s);
}

TEST_F(MqttConnectTest, ConnectionRefusedNamesBrokerAndErrno) {
  const std::uint16_t port = mqtt_test::free_port();
  Client client("127.0.0.1", port, {.client_id = "nobody-home"});
  try {
    client.connect(10s);
    FAIL() << "connected to a closed port";
  } catch (const pinfiber::mqtt::MqttError& e) {
    EXPECT_EQ(e.code(), std::errc::connection_refused) << e.what();
    EXPECT_THAT(e.what(), HasSubstr("connect to MQTT broker 127.0.0.1:" + std::to_string(port)));
    EXPECT_THAT(e.what(), HasSubstr("Connection refused"));
  }
  EXPECT_THAT(client.last_error(), HasSubstr("Connection refused"));
}

TEST_F(MqttConnectTest, NoConnackIsATimeoutSayingSo) {
  // Accepts TCP connections and never says a word (a wrong port, a hung broker).
  auto listener = pinfiber::Socket::tcp();
  listener.bind(pinfiber::Address::parse("127.0.0.1", 0));
  listener.listen();
  Client client("127.0.0.1", listener.local_address().port(), {.client_id = "silence", .connect_timeout = 1});
  try {
    client.connect();
    FAIL() << "connected to a silent peer";
  } catch (const pinfiber::TimeoutError& e) {
    EXPECT_THAT(e.what(), HasSubstr("connect to MQTT broker 127.0.0.1:"));
    EXPECT_THAT(e.what(), HasSubstr("timed out after 1.000 s"));
    EXPECT_THAT(e.what(), HasSubstr("TCP connected to 127.0.0.1:"));
    EXPECT_THAT(e.what(), HasSubstr("no CONNACK"));
  }
  EXPECT_FALSE(client.connected());
  // The peer saw the connection and its CONNECT packet (0x10), then the client hung up.
  pinfiber::Socket peer = listener.accept(nullptr, 5s);
  char buf[256];
  const std::size_t n = peer.recv(buf, sizeof buf, 5s);
  ASSERT_GT(n, 0u);
  EXPECT_EQ(static_cast<unsigned char>(buf[0]), 0x10);
  std::size_t rest = 1;
  while (rest) rest = peer.recv(buf, sizeof buf, 5s);  // EOF: the client closed its socket
}

TEST_F(MqttConnectTest, AHostNameIsResolvedAndItsAddressesTriedInTurn) {
  mqtt_test::Broker broker;  // on 127.0.0.1 only: "localhost" may give ::1 first, which refuses
  Client client("localhost", broker.port(), {.client_id = "by-name"});
  client.connect(10s);
  EXPECT_TRUE(client.connected());
  EXPECT_EQ(client.broker(), "localhost:" + std::to_string(broker.port()));
}

TEST_F(MqttConnectTest, UnknownHostNameIsAClearError) {
  Client client("no-such-host.invalid", 1883, {.client_id = "lost"});
  try {
    client.connect(10s);
    FAIL();
  } catch (const pinfiber::mqtt::MqttError& e) {
    EXPECT_THAT(e.what(), HasSubstr("connect to MQTT broker no-such-host.invalid:1883 as 'lost': resolve"));
  } catch (const pinfiber::TimeoutError& e) {
    EXPECT_THAT(e.what(), HasSubstr("resolving 'no-such-host.invalid'"));  // no DNS server answering here
  }
}

class MqttTlsTest : public MqttTest {
 protected:
  mqtt_test::TempDir dir_;
};

TEST_F(MqttTlsTest, TalksTlsWithTheTestsOwnCa) {
  const auto pki = mqtt_test::Pki::make(dir_, "pinfiber-test-ca", true);
  mqtt_test::Broker broker({.tls = pki});
  Client client("localhost", broker.port(),
                {.client_id = "tls", .tls = pinfiber::mqtt::TlsOptions{.ca_file = pki.ca_crt}});
  client.connect(10s);
  client.subscribe("secure/#", 2, 10s);
  client.publish("secure/x", "over tls", 2, false, 10s);
  EXPECT_EQ(client.receive(10s).payload, "over tls");
  // And mosquitto_pub, over TLS too, reaches it.
  mqtt_test::pub(broker.port(), {"--cafile", pki.ca_crt, "-t", "secure/y", "-q", "1", "-m", "from pub"});
  EXPECT_EQ(client.receive(10s).payload, "from pub");
}

TEST_F(MqttTlsTest, AWrongCaFailsTheHandshakeWithOpensslsReason) {
  const auto pki = mqtt_test::Pki::make(dir_, "pinfiber-test-ca", true);
  const auto other = mqtt_test::Pki::make(dir_, "some-other-ca", false);
  mqtt_test::Broker broker({.tls = pki});
  Client client("localhost", broker.port(),
                {.client_id = "wrong-ca", .tls = pinfiber::mqtt::TlsOptions{.ca_file = other.ca_crt}});
  try {
    client.connect(10s);
    FAIL() << "connected with a CA that did not sign the broker's certificate";
  } catch (const pinfiber::mqtt::MqttError& e) {
    EXPECT_THAT(e.what(), HasSubstr("connect to MQTT broker localhost:" + std::to_string(broker.port())));
    EXPECT_THAT(e.what(), HasSubstr("TLS handshake failed: certificate verify failed"));
  }
  EXPECT_FALSE(client.connected());
}

TEST_F(MqttTlsTest, TheCertificateMustNameTheHostGiven) {
  // Signed by the right CA, but for another host.
  const auto pki = mqtt_test::Pki::make(dir_, "pinfiber-test-ca", true, "DNS:broker.example");
  mqtt_test::Broker broker({.tls = pki});
  Client client("127.0.0.1", broker.port(),
                {.client_id = "by-ip", .tls = pinfiber::mqtt::TlsOptions{.ca_file = pki.ca_crt}});
  try {
    client.connect(10s);
    FAIL() << "accepted a certificate for another host";
  } catch (const pinfiber::mqtt::MqttError& e) {
    EXPECT_THAT(e.what(), HasSubstr("TLS handshake failed: certificate verify failed: IP address mismatch"));
  }
  // Checking the name can be turned off (a test broker).
  Client lax("127.0.0.1", broker.port(),
             {.client_id = "lax", .tls = pinfiber::mqtt::TlsOptions{.ca_file = pki.ca_crt, .verify_hostname = false}});
  lax.connect(10s);
  EXPECT_TRUE(lax.connected());
}

TEST_F(MqttTlsTest, APlainBrokerFailsTheHandshakeCleanly) {
  const auto pki = mqtt_test::Pki::make(dir_, "pinfiber-test-ca", false);
  mqtt_test::Broker broker;  // no TLS
  Client client(
      "127.0.0.1", broker.port(),
      {.client_id = "tls-to-plain", .tls = pinfiber::mqtt::TlsOptions{.ca_file = pki.ca_crt}, .connect_timeout = 10});
  try {
    client.connect();
    FAIL();
  } catch (const pinfiber::mqtt::MqttError& e) {
    EXPECT_THAT(e.what(), HasSubstr("TLS handshake failed"));
  }
}

TEST_F(MqttTlsTest, AMissingCaFileIsReportedAtConstruction) {
  try {
    Client client("localhost", 8883, {.tls = pinfiber::mqtt::TlsOptions{.ca_file = dir_.file("nope.crt")}});
    FAIL();
  } catch (const pinfiber::mqtt::MqttError& e) {
    EXPECT_THAT(e.what(), HasSubstr("load TLS CA file '" + dir_.file("nope.crt") + "' for MQTT broker localhost:8883"));
  }
}
