#pragma once
// The io layer: fd waits, sockets, servers, DNS, signals, thread offload, the blocking monitor and
// subprocesses.
#include "pinfiber/io/address.hpp"
#include "pinfiber/io/line_reader.hpp"
#include "pinfiber/io/listen_fds.hpp"
#include "pinfiber/io/monitor.hpp"
#include "pinfiber/io/resolver.hpp"
#include "pinfiber/io/signal.hpp"
#include "pinfiber/io/socket.hpp"
#include "pinfiber/io/stream_server.hpp"
#include "pinfiber/io/subprocess.hpp"
#include "pinfiber/io/thread_pool.hpp"
#include "pinfiber/io/wait.hpp"
