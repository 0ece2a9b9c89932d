#pragma once
// Sync tests run like the core ones (paused clock, hub empty at the end); some expect failures.

#include <pinfiber/sync.hpp>

#include "core/hub_fixture.hpp"

class SyncTest : public HubTest {};
