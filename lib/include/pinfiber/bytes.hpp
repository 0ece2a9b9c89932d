#pragma once
// The bytes layer: numbers to bytes and back, cursors over frames, checksums and CRCs.
// Header-only and independent of the rest of pinfiber: including this needs nothing linked.

#include "pinfiber/bytes/byte_reader.hpp"           // ByteReader
#include "pinfiber/bytes/byte_view.hpp"             // ByteView, MutableByteView
#include "pinfiber/bytes/byte_writer.hpp"           // ByteWriter
#include "pinfiber/bytes/checksum.hpp"              // sum8, sum16, xor8
#include "pinfiber/bytes/crc.hpp"                   // Crc, Crc8Sensirion, Crc16Modbus, ..., crc16_modbus, ...
#include "pinfiber/bytes/endian.hpp"                // load, store, load_u24be..., from_bytes, to_bytes
#include "pinfiber/bytes/error.hpp"                 // BytesError, BytesRangeError, BytesOverflowError
#include "pinfiber/bytes/growable_byte_writer.hpp"  // GrowableByteWriter
