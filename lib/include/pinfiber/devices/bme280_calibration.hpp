#pragma once
// The Bosch BME280's factory calibration and its integer compensation formulas, from the datasheet
// (BST-BME280-DS002, section 4.2.2 "Trimming parameter readout", Table 16, and 4.2.3 "Compensation
// formulas"): what turns the chip's raw 20-bit temperature and pressure and 16-bit humidity into
// degrees, pascals and percent. Pure functions of bytes and integers, so the driver (Bme280), the
// simulator (MockBme280) and the tests share them.
//
//   offset   register   parameter
//   0-1      0x88/0x89  dig_T1  u16 (little-endian, as all of them)
//   2-5      0x8a-0x8d  dig_T2, dig_T3  s16
//   6-7      0x8e/0x8f  dig_P1  u16
//   8-23     0x90-0x9f  dig_P2 ... dig_P9  s16
//   25       0xa1       dig_H1  u8                  (0xa0 is unused)
//   second block, from 0xe1:
//   0-1      0xe1/0xe2  dig_H2  s16
//   2        0xe3       dig_H3  u8
//   3-4      0xe4/0xe5  dig_H4  s12: 0xe4 << 4 | 0xe5 & 0x0f
//   4-5      0xe5/0xe6  dig_H5  s12: 0xe6 << 4 | 0xe5 >> 4
//   6        0xe7       dig_H6  s8

#include <array>
#include <cstdint>

#include "pinfiber/bytes/byte_view.hpp"

namespace pinfiber::devices {

/// The registers of the two calibration blocks.
inline constexpr std::uint8_t bme280_calib1_register = 0x88;  ///< 26 bytes: dig_T1 ... dig_H1
inline constexpr std::uint8_t bme280_calib2_register = 0xe1;  ///< 7 bytes: dig_H2 ... dig_H6
inline constexpr std::size_t bme280_calib1_size = 26;
inline constexpr std::size_t bme280_calib2_size = 7;

/// Raw readings as the chip's data registers hold them: 20-bit temperature and pressure, 16-bit
/// humidity. A measurement that was skipped (oversampling "skip") reads 0x80000 / 0x8000.
struct Bme280Raw {
  std::int32_t temperature = 0x80000;
  std::int32_t pressure = 0x80000;
  std::int32_t humidity = 0x8000;
  friend bool operator==(const Bme280Raw&, const Bme280Raw&) = default;
};

/// A reading in the datasheet's integer units.
struct Bme280Fixed {
  std::int32_t t_fine = 0;       ///< the fine temperature that pressure and humidity depend on
  std::int32_t temperature = 0;  ///< 0.01 degC: 5123 is 51.23 degC
  std::uint32_t pressure = 0;    ///< Pa as Q24.8: 24674867 is 24674867 / 256 = 96386.2 Pa
  std::uint32_t humidity = 0;    ///< %RH as Q22.10: 47445 is 47445 / 1024 = 46.333 %RH
  friend bool operator==(const Bme280Fixed&, const Bme280Fixed&) = default;
};

/// The trimming parameters of one chip (each chip has its own, written at the factory).
struct Bme280Calibration {
  std::uint16_t t1 = 0;
  std::int16_t t2 = 0, t3 = 0;
  std::uint16_t p1 = 0;
  std::int16_t p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0, p8 = 0, p9 = 0;
  std::uint8_t h1 = 0;
  std::int16_t h2 = 0;
  std::uint8_t h3 = 0;
  std::int16_t h4 = 0, h5 = 0;
  std::int8_t h6 = 0;

  /// Decodes the 26 bytes read from 0x88 and the 7 read from 0xe1. Throws pinfiber::Error if a block
  /// has the wrong size. Never blocks.
  static Bme280Calibration decode(ByteView block1, ByteView block2);
  /// The two blocks that decode() turns back into this calibration (for simulators). Never throws.
  void encode(std::array<std::uint8_t, bme280_calib1_size>& block1,
              std::array<std::uint8_t, bme280_calib2_size>& block2) const noexcept;

  /// The datasheet's integer compensation (section 4.2.3: BME280_compensate_T_int32,
  /// BME280_compensate_P_int64, bme280_compensate_H_int32) of `raw`. A pressure whose divisor comes
  /// out zero is 0, as the datasheet's code returns. Never throws.
  Bme280Fixed compensate(const Bme280Raw& raw) const noexcept;

  /// The trimming values of the datasheet's worked example for temperature and pressure (the
  /// BMP280 datasheet's section 3.12, whose formulas the BME280 shares: dig_T1 = 27504 ... dig_P9 =
  /// 6000; adc_T = 519888 gives 25.08 degC, adc_P = 415148 gives 100653.27 Pa), with a plausible
  /// chip's humidity trimming (dig_H1 = 75, H2 = 362, H3 = 0, H4 = 313, H5 = 50, H6 = 30). What
  /// MockBme280 uses unless given another.
  static Bme280Calibration datasheet_example() noexcept;
  friend bool operator==(const Bme280Calibration&, const Bme280Calibration&) = default;
};

}  // namespace pinfiber::devices
