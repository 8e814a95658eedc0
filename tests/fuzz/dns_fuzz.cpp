// libFuzzer target for the DNS response decoder: a response is read for the question "a.b" of
// type A and of type AAAA, with the id the input carries, so most inputs reach the records.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "net/dns_message.h"
#include "net/resolver_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view message(reinterpret_cast<const char*>(data), size);
  int id = taupage::dns_message_id(message);
  uint16_t query_id = id < 0 ? 0 : static_cast<uint16_t>(id);
  for (auto type : {taupage::DnsType::A, taupage::DnsType::AAAA}) {
    auto answer = taupage::decode_dns_response(message, query_id, "a.b", type);
    if (answer) {
      for (const auto& address : answer->addresses) (void)address.text();
    }
  }
  // The same bytes as system files: these parsers read files another program may have written.
  (void)taupage::parse_resolv_conf(message);
  (void)taupage::lookup_hosts(taupage::parse_hosts(message), "a.b");
  return 0;
}
