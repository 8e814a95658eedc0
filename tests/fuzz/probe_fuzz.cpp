// Fuzzes the probe and the md superblock reader with arbitrary device contents.
#include <cstddef>
#include <cstdint>

#include "storage/md_superblock.h"
#include "storage/probe.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  taupage::MemoryByteSource source(bytes, "fuzz");
  (void)taupage::probe(source);
  (void)taupage::MdSuperblock1::decode(bytes);
  return 0;
}
