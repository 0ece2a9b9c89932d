// Story 9: bytes to integers. A device hands over b'y\xcc\xa6\xbb'; read big-endian it is 2043455163
// (Python's int.from_bytes(b, 'big')), little-endian 3148270713 (struct.unpack('<L', b)).

#include <pinfiber/bytes.hpp>

#include <array>
#include <cstdint>
#include <iostream>

#include "paused_clock.hpp"

int main(int argc, char** argv) {
  example::take_paused_clock_flag(argc, argv);
  const std::array<std::uint8_t, 4> reply{'y', 0xcc, 0xa6, 0xbb};

  // int.from_bytes(reply, 'big') and int.from_bytes(reply, 'little')
  std::cout << "big-endian:    " << pinfiber::from_bytes(reply, std::endian::big) << '\n';
  std::cout << "little-endian: " << pinfiber::from_bytes(reply, std::endian::little) << '\n';

  // struct.unpack('<L', reply): the same through a reader, as a frame parser would do it.
  pinfiber::ByteReader reader(reply);
  std::cout << "struct '<L':   " << reader.read_u32le() << '\n';

  // int.from_bytes(reply, 'little', signed=True)
  std::cout << "signed little: " << pinfiber::from_bytes<std::int32_t>(reply, std::endian::little) << '\n';

  // And back: (2043455163).to_bytes(4, 'big') gives the same bytes.
  const auto bytes = pinfiber::to_bytes(std::uint32_t{2043455163}, 4, std::endian::big);
  std::cout << "round trip:    "
            << (pinfiber::ByteView(bytes) == pinfiber::ByteView(reply) ? "same bytes" : "different") << '\n';
}
