#pragma once
// pinfiber daemon: what an on-device daemon needs around its greenlets - settings from a file and the
// command line, the service manager's notifications and watchdog, the journal, and run_daemon, which
// wires them together. Socket activation is in io (pinfiber/io/listen_fds.hpp), logging and every() in
// core (pinfiber/core/logging.hpp, pinfiber/core/every.hpp).
#include "pinfiber/daemon/config.hpp"
#include "pinfiber/daemon/journal_sink.hpp"
#include "pinfiber/daemon/notify.hpp"
#include "pinfiber/daemon/run_daemon.hpp"
#include "pinfiber/daemon/watchdog.hpp"
