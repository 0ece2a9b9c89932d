// A consumer of the installed pinfiber: two greenlets take turns.
#include <pinfiber/pinfiber.hpp>

#include <string>

int main() {
  std::string order;
  auto a = pinfiber::spawn([&] {
    order += 'a';
    pinfiber::sleep(0);
    order += 'c';
  });
  auto b = pinfiber::spawn([&] { order += 'b'; });
  pinfiber::joinall({a, b});
  return order == "abc" ? 0 : 1;
}
