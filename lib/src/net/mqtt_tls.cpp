#include "mqtt_tls.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "pinfiber/net/mqtt_errors.hpp"

namespace pinfiber::mqtt::detail {

namespace {

bool is_numeric(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// OpenSSL's queued errors as one line ("error:0A000086:SSL routines::certificate verify failed").
std::string openssl_errors() {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    text += (text.empty() ? "" : "; ") + std::string(buf);
  }
  return text;
}

}  // namespace

TlsContext::TlsContext(const TlsOptions& options, const std::string& host, const std::string& broker) {
  const auto fail = [&](const std::string& what) {
    const std::string why = openssl_errors();
    throw MqttError(what + " for MQTT broker " + broker + (why.empty() ? "" : ": " + why));
  };
  ERR_clear_error();
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (!ctx_) fail("create a TLS context");
  try {
    // TLS 1.2 is the oldest version still considered safe (RFC 8996 deprecates 1.0 and 1.1).
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx_, SSL_MODE_RELEASE_BUFFERS);  // ~34 KiB less per idle connection: a Pi Zero has 512 MB
    if (!options.ca_file.empty() || !options.ca_path.empty()) {
      if (SSL_CTX_load_verify_locations(ctx_, options.ca_file.empty() ? nullptr : options.ca_file.c_str(),
                                        options.ca_path.empty() ? nullptr : options.ca_path.c_str()) != 1) {
        fail("load TLS CA " + (options.ca_file.empty() ? "path '" + options.ca_path : "file '" + options.ca_file) +
             "'");
      }
    } else if (SSL_CTX_set_default_verify_paths(ctx_) != 1) {
      fail("load the system's TLS CA certificates");
    }
    if (!options.cert_file.empty() && SSL_CTX_use_certificate_chain_file(ctx_, options.cert_file.c_str()) != 1) {
      fail("load TLS client certificate '" + options.cert_file + "'");
    }
    if (!options.key_file.empty()) {
      if (SSL_CTX_use_PrivateKey_file(ctx_, options.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        fail("load TLS client key '" + options.key_file + "'");
      }
      if (SSL_CTX_check_private_key(ctx_) != 1) fail("match TLS client key '" + options.key_file + "'");
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, &TlsContext::on_verify);
    if (options.verify_hostname) {
      X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx_);
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      const int ok = is_numeric(host) ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                                      : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
      if (ok != 1) fail("set the TLS host name '" + host + "'");
    }
    if (!is_numeric(host)) sni_ = host;
    SSL_CTX_set_info_callback(ctx_, &TlsContext::on_info);
    SSL_CTX_set_app_data(ctx_, this);
  } catch (...) {
    SSL_CTX_free(ctx_);
    throw;
  }
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

std::string TlsContext::failure() {
  std::string queued = openssl_errors();
  if (failure_.empty()) return queued.empty() ? "the broker ended the handshake" : queued;
  return failure_;
}

int TlsContext::on_verify(int ok, X509_STORE_CTX* store) {
  if (ok) return ok;
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self = static_cast<TlsContext*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  if (self && self->failure_.empty()) {
    const int err = X509_STORE_CTX_get_error(store);
    self->failure_ = std::string("certificate verify failed: ") + X509_verify_cert_error_string(err);
    if (X509* cert = X509_STORE_CTX_get_current_cert(store)) {
      char subject[256];
      X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
      self->failure_ += std::string(" (certificate ") + subject + ")";
    }
  }
  return ok;
}

// libmosquitto sets the SNI to the address it connects to, which is our resolved numeric address;
// at the start of the handshake, before the ClientHello is written, it becomes the host name the
// user gave (or none, for a numeric host).
void TlsContext::on_info(const SSL* ssl, int where, int) {
  if (!(where & SSL_CB_HANDSHAKE_START)) return;
  auto* self = static_cast<TlsContext*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  if (!self) return;
  // SSL_set_tlsext_host_name, spelled out: the macro casts away const in a way C++ refuses.
  SSL_ctrl(const_cast<SSL*>(ssl), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
           self->sni_.empty() ? nullptr : const_cast<char*>(self->sni_.c_str()));
}

}  // namespace pinfiber::mqtt::detail
