#pragma once
// The platform context switch, kept in this one private header: Boost.Context's fcontext primitives
// (assembly for x86-64, ARM (ARM mode, so ARMv6 works), armhf and aarch64) plus the bookkeeping that
// tools need on every switch: ASan's fiber API and the C++ runtime's per-thread exception state.

#include <cxxabi.h>

#include <boost/context/detail/fcontext.hpp>
#include <cstring>

#include "pinfiber/core/detail/fiber.hpp"

#if defined(PINFIBER_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(PINFIBER_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

namespace pinfiber::detail::ctx {

using boost::context::detail::fcontext_t;
using boost::context::detail::jump_fcontext;
using boost::context::detail::make_fcontext;
using boost::context::detail::transfer_t;

// Switches to `to`, passing `data`; returns when something switches back.
//
// Debian armel's libboost_context is built for soft-float and so does not save the VFP registers
// d8-d15, which the AAPCS makes callee-saved and which pinfiber's own -mfpu=vfp code keeps doubles
// in: without the clobber below, a double held across a switch comes back with another greenlet's
// value on a Pi Zero W. Declaring them clobbered makes the compiler save and restore them around
// the jump itself.
[[gnu::always_inline]] inline transfer_t jump(fcontext_t to, void* data) {
  transfer_t t = jump_fcontext(to, data);
#if defined(__arm__) && defined(__ARM_FP) && !defined(__ARM_PCS_VFP)
  __asm__ volatile("" ::: "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15");
#endif
  return t;
}

// Boost's jump_fcontext once more, declared to return pinfiber's Resumption - the same two pointers
// as transfer_t, returned the same way on every target - so that yield_switch() can return what
// the jump returns as it is: a tail call (see yield_now() in park.hpp).
extern "C" Resumption jump_fcontext_resuming(fcontext_t to, void* vp) __asm__("jump_fcontext");
static_assert(sizeof(Resumption) == sizeof(transfer_t) && alignof(Resumption) == alignof(transfer_t));

// (A named result in between would cost the tail call.)
[[gnu::always_inline]] inline Resumption jump_resuming(fcontext_t to, void* data) {
#if defined(__arm__) && defined(__ARM_FP) && !defined(__ARM_PCS_VFP)
  Resumption r = jump_fcontext_resuming(to, data);
  __asm__ volatile("" ::: "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15");  // as in jump() above
  return r;
#else
  return jump_fcontext_resuming(to, data);
#endif
}

// libstdc++ keeps the caught-exception stack and the uncaught count in a per-thread
// __cxa_eh_globals; its layout is { caughtExceptions, uncaughtExceptions } plus, with the ARM EHABI
// unwinder, propagatingExceptions - mirrored by EhState.
// The pointer is fixed for a thread, so the hub looks it up once instead of on every switch.
inline EhState* eh_globals() { return reinterpret_cast<EhState*>(abi::__cxa_get_globals()); }

inline void swap_eh(EhState* g, EhState& save_into, const EhState& load_from) {
  std::memcpy(&save_into, g, sizeof(EhState));
  std::memcpy(g, &load_from, sizeof(EhState));
}

#if defined(PINFIBER_ASAN)
inline void asan_start_switch(void** fake_stack_save, const void* bottom, std::size_t size) {
  __sanitizer_start_switch_fiber(fake_stack_save, bottom, size);
}
inline void asan_finish_switch(void* fake_stack, const void** old_bottom, std::size_t* old_size) {
  __sanitizer_finish_switch_fiber(fake_stack, old_bottom, old_size);
}
#else
inline void asan_start_switch(void**, const void*, std::size_t) {}
inline void asan_finish_switch(void*, const void**, std::size_t*) {}
#endif

// ThreadSanitizer follows each greenlet as a fiber of its own: without that it would take the
// greenlets of one thread for one flow of control and report their stacks' reuse as races.
#if defined(PINFIBER_TSAN)
inline void* tsan_current_fiber() { return __tsan_get_current_fiber(); }
inline void* tsan_create_fiber() { return __tsan_create_fiber(0); }
inline void tsan_destroy_fiber(void* f) {
  if (f) __tsan_destroy_fiber(f);
}
inline void tsan_switch_to(void* f) { __tsan_switch_to_fiber(f, 0); }
#else
inline void* tsan_current_fiber() { return nullptr; }
inline void* tsan_create_fiber() { return nullptr; }
inline void tsan_destroy_fiber(void*) {}
inline void tsan_switch_to(void*) {}
#endif

}  // namespace pinfiber::detail::ctx
