#pragma once
// pinfiber's HTTP: the server (link pinfiber::http) and the client (link pinfiber::http_client), with
// JSON and Prometheus helpers. See docs/http.md.

#include "pinfiber/net/http_body_stream.hpp"
#include "pinfiber/net/http_client.hpp"
#include "pinfiber/net/http_errors.hpp"
#include "pinfiber/net/http_headers.hpp"
#include "pinfiber/net/http_json.hpp"
#include "pinfiber/net/http_metrics.hpp"
#include "pinfiber/net/http_request.hpp"
#include "pinfiber/net/http_response.hpp"
#include "pinfiber/net/http_response_writer.hpp"
#include "pinfiber/net/http_server.hpp"
