/// The transport protocol of a port: user data writes it ("8080/udp"), the firewall matches it
/// and Docker binds it. One type, so that the three agree.
#pragma once

namespace taupage {

enum class Protocol { Tcp, Udp };

// "tcp" or "udp", as user data, nft and Docker all write it.
inline const char* protocol_name(Protocol p) { return p == Protocol::Udp ? "udp" : "tcp"; }

}  // namespace taupage
