// The BME280's trimming parameters and integer compensation (datasheet BST-BME280-DS002, 4.2.2 and
// 4.2.3). The arithmetic is the datasheet's, step for step; it is carried out in 64 bits where the
// datasheet uses 32, which gives the same results for every value the chip can produce and leaves
// no signed overflow for values it cannot (a simulator's, a fuzzer's).

#include "pinfiber/devices/bme280_calibration.hpp"

#include "pinfiber/bytes/endian.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber::devices {

Bme280Calibration Bme280Calibration::decode(ByteView b1, ByteView b2) {
  if (b1.size() != bme280_calib1_size || b2.size() != bme280_calib2_size)
    throw Error("decode BME280 calibration: blocks of " + std::to_string(b1.size()) + " and " +
                std::to_string(b2.size()) + " bytes, expected 26 and 7");
  Bme280Calibration c;
  c.t1 = load_u16le(b1, 0);
  c.t2 = load_i16le(b1, 2);
  c.t3 = load_i16le(b1, 4);
  c.p1 = load_u16le(b1, 6);
  c.p2 = load_i16le(b1, 8);
  c.p3 = load_i16le(b1, 10);
  c.p4 = load_i16le(b1, 12);
  c.p5 = load_i16le(b1, 14);
  c.p6 = load_i16le(b1, 16);
  c.p7 = load_i16le(b1, 18);
  c.p8 = load_i16le(b1, 20);
  c.p9 = load_i16le(b1, 22);
  c.h1 = b1[25];
  c.h2 = load_i16le(b2, 0);
  c.h3 = b2[2];
  // dig_H4 and dig_H5 are 12-bit signed values sharing register 0xe5 (Table 16); the most
  // significant byte carries the sign.
  c.h4 = static_cast<std::int16_t>(static_cast<std::int8_t>(b2[3]) * 16 | (b2[4] & 0x0f));
  c.h5 = static_cast<std::int16_t>(static_cast<std::int8_t>(b2[5]) * 16 | (b2[4] >> 4));
  c.h6 = static_cast<std::int8_t>(b2[6]);
  return c;
}

void Bme280Calibration::encode(std::array<std::uint8_t, bme280_calib1_size>& b1,
                               std::array<std::uint8_t, bme280_calib2_size>& b2) const noexcept {
  auto put16 = [&](std::size_t at, std::uint16_t v) {
    b1[at] = static_cast<std::uint8_t>(v & 0xff);
    b1[at + 1] = static_cast<std::uint8_t>(v >> 8);
  };
  put16(0, t1);
  put16(2, static_cast<std::uint16_t>(t2));
  put16(4, static_cast<std::uint16_t>(t3));
  put16(6, p1);
  const std::int16_t ps[] = {p2, p3, p4, p5, p6, p7, p8, p9};
  for (std::size_t i = 0; i < 8; ++i) put16(8 + 2 * i, static_cast<std::uint16_t>(ps[i]));
  b1[24] = 0;
  b1[25] = h1;
  b2[0] = static_cast<std::uint8_t>(static_cast<std::uint16_t>(h2) & 0xff);
  b2[1] = static_cast<std::uint8_t>(static_cast<std::uint16_t>(h2) >> 8);
  b2[2] = h3;
  b2[3] = static_cast<std::uint8_t>((h4 >> 4) & 0xff);
  b2[4] = static_cast<std::uint8_t>((h4 & 0x0f) | ((h5 & 0x0f) << 4));
  b2[5] = static_cast<std::uint8_t>((h5 >> 4) & 0xff);
  b2[6] = static_cast<std::uint8_t>(h6);
}

Bme280Fixed Bme280Calibration::compensate(const Bme280Raw& raw) const noexcept {
  Bme280Fixed out;
  // Temperature (BME280_compensate_T_int32).
  const std::int64_t adc_t = raw.temperature;
  std::int64_t var1 = (((adc_t >> 3) - (std::int64_t{t1} << 1)) * t2) >> 11;
  std::int64_t var2 = (((((adc_t >> 4) - t1) * ((adc_t >> 4) - t1)) >> 12) * t3) >> 14;
  const std::int64_t t_fine = var1 + var2;
  out.t_fine = static_cast<std::int32_t>(t_fine);
  out.temperature = static_cast<std::int32_t>((t_fine * 5 + 128) >> 8);

  // Pressure (BME280_compensate_P_int64).
  var1 = t_fine - 128000;
  var2 = var1 * var1 * p6;
  var2 = var2 + ((var1 * p5) * (std::int64_t{1} << 17));
  var2 = var2 + (std::int64_t{p4} * (std::int64_t{1} << 35));
  var1 = ((var1 * var1 * p3) >> 8) + ((var1 * p2) * (std::int64_t{1} << 12));
  var1 = (((std::int64_t{1} << 47) + var1) * p1) >> 33;
  if (var1 == 0) {
    out.pressure = 0;  // the datasheet's guard against a division by zero
  } else {
    std::int64_t p = 1048576 - std::int64_t{raw.pressure};
    p = ((p * (std::int64_t{1} << 31)) - var2) * 3125 / var1;
    var1 = (std::int64_t{p9} * (p >> 13) * (p >> 13)) >> 25;
    var2 = (std::int64_t{p8} * p) >> 19;
    p = ((p + var1 + var2) >> 8) + (std::int64_t{p7} * 16);
    out.pressure = static_cast<std::uint32_t>(p);
  }

  // Humidity (bme280_compensate_H_int32).
  std::int64_t v = t_fine - 76800;
  v = ((((std::int64_t{raw.humidity} * 16384) - (std::int64_t{h4} * 1048576) - (std::int64_t{h5} * v)) + 16384) >> 15) *
      (((((((v * h6) >> 10) * (((v * h3) >> 11) + 32768)) >> 10) + 2097152) * h2 + 8192) >> 14);
  v = v - (((((v >> 15) * (v >> 15)) >> 7) * h1) >> 4);
  if (v < 0) v = 0;
  if (v > 419430400) v = 419430400;
  out.humidity = static_cast<std::uint32_t>(v >> 12);
  return out;
}

Bme280Calibration Bme280Calibration::datasheet_example() noexcept {
  Bme280Calibration c;
  c.t1 = 27504;
  c.t2 = 26435;
  c.t3 = -1000;
  c.p1 = 36477;
  c.p2 = -10685;
  c.p3 = 3024;
  c.p4 = 2855;
  c.p5 = 140;
  c.p6 = -7;
  c.p7 = 15500;
  c.p8 = -14600;
  c.p9 = 6000;
  c.h1 = 75;
  c.h2 = 362;
  c.h3 = 0;
  c.h4 = 313;
  c.h5 = 50;
  c.h6 = 30;
  return c;
}

}  // namespace pinfiber::devices
