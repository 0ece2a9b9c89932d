// Story 3: a greenlet's state.
//
// An exception inside a greenlet stays inside it: joinall() does not throw, the failure is reported
// once on stderr, and the program goes on. Report through return values or exception().

#include <pinfiber/pinfiber.hpp>

#include <iostream>
#include <stdexcept>
#include <string>

#include "paused_clock.hpp"

int main(int argc, char** argv) {
  example::take_paused_clock_flag(argc, argv);
  auto winner = pinfiber::spawn_with({.name = "winner"}, [] { return std::string("You win!"); });
  auto loser = pinfiber::spawn_with({.name = "loser"},
                                    []() -> std::string { throw std::runtime_error("You fail at failing."); });
  std::cout << std::boolalpha;
  std::cout << "winner.started: " << winner.started() << "\n";
  std::cout << "loser.started: " << loser.started() << "\n";

  try {
    pinfiber::joinall({winner, loser});
  } catch (...) {
    std::cout << "This will never be reached\n";
  }

  std::cout << "winner.value: " << winner.value() << "\n";
  std::cout << "loser has a value: " << loser.successful() << "\n";
  std::cout << "winner.ready: " << winner.ready() << "\n";
  std::cout << "loser.ready: " << loser.ready() << "\n";
  std::cout << "winner.successful: " << winner.successful() << "\n";
  std::cout << "loser.successful: " << loser.successful() << "\n";
  try {
    loser.get();  // re-raises the greenlet's exception here, in main
  } catch (const std::exception& e) {
    std::cout << "loser.exception: " << e.what() << "\n";
  }
}
