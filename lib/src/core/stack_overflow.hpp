#pragma once
// Reporting a greenlet stack overflow by name: a SIGSEGV handler, running on an alternate signal
// stack (the overflowing one has no room left), that asks the thread's hub whether the faulting
// address lies in a greenlet's guard region.

namespace pinfiber::detail {

/// Installs the process-wide SIGSEGV handler once (chaining to the one it replaces).
void install_overflow_handler();
/// Gives the calling thread an alternate signal stack if it has none; returns the memory to free
/// with release_alt_stack(), or null if the thread already had one (ASan installs its own).
void* ensure_alt_stack();
void release_alt_stack(void* mem);

}  // namespace pinfiber::detail
