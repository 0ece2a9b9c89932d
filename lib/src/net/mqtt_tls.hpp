#pragma once
// The TLS context of one MQTT client, made by us rather than by libmosquitto: libmosquitto is handed
// a numeric address (the name was resolved by c-ares), and would check the broker's certificate
// against that address and send it as SNI. Our own SSL_CTX checks the certificate against the host
// name the user gave (OpenSSL's X509_VERIFY_PARAM), puts that name in SNI, and records why a
// verification failed, for the error message.

#include <openssl/ssl.h>

#include <string>

#include "pinfiber/net/mqtt_options.hpp"

namespace pinfiber::mqtt::detail {

class TlsContext {
 public:
  /// Loads the CA and client files of `options` for a connection to `host` (the name the user gave);
  /// `broker` names it in errors. Throws MqttError.
  TlsContext(const TlsOptions& options, const std::string& host, const std::string& broker);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* get() const { return ctx_; }
  /// Forgets the reason of the last failure (before a new handshake).
  void reset_failure() { failure_.clear(); }
  /// Why the last handshake failed, as precisely as OpenSSL says ("certificate verify failed: self-
  /// signed certificate in certificate chain"), or empty; drains OpenSSL's error queue.
  std::string failure();

 private:
  static int on_verify(int ok, X509_STORE_CTX* store);
  static void on_info(const SSL* ssl, int where, int ret);

  SSL_CTX* ctx_ = nullptr;
  std::string sni_;  // empty for a numeric host: SNI carries names only (RFC 6066)
  std::string failure_;
};

}  // namespace pinfiber::mqtt::detail
