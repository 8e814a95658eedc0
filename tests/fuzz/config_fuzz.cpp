// libFuzzer target: the whole user-data reader (header, libyaml events, validation) on arbitrary
// bytes. It must never crash, hang or leak, and a document it accepts must have no errors.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool strict : {false, true}) {
    taupage::ConfigRead read = taupage::read_config(text, taupage::ReadOptions{strict});
    if (read.config.has_value() == taupage::has_errors(read.diagnostics)) __builtin_trap();
    for (const auto& d : read.diagnostics) {
      if (d.render().empty()) __builtin_trap();
    }
  }
  return 0;
}
