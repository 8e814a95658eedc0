// Our own versions of three library functions, which the static linker then takes instead of
// the libraries' (and of all those pull in): the terminate handler (libstdc++'s links the C++
// demangler, about 45 KB, for a message just as useful with the type's mangled name), glibc's
// __assert_fail (gettext and its locale machinery, about 29 KB; libyaml keeps its asserts) and
// gmtime_r (mbedTLS's certificate dates; glibc's goes through tzset, tzfile and sscanf). Only
// the static binary links this file, the tests keep the libraries' own; it is built with
// exceptions, to read what().
#include <cxxabi.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <typeinfo>

#include "util/utc_time.h"

namespace {

// write(2) alone: a dying process may have a broken heap or stdio.
void say(const char* text) {
  size_t length = std::strlen(text);
  while (length > 0) {
    ssize_t n = ::write(2, text, length);
    if (n <= 0) return;
    text += n;
    length -= static_cast<size_t>(n);
  }
}

}  // namespace

namespace __gnu_cxx {

// Replaces libstdc++'s default terminate handler (same name, so std::terminate calls ours).
void __verbose_terminate_handler() {
  static bool entered = false;
  if (entered) {  // terminate again while reporting: the what() below threw
    say("taupage: terminate called recursively\n");
    std::abort();
  }
  entered = true;
  std::type_info* type = abi::__cxa_current_exception_type();
  if (type == nullptr) {
    say("taupage: terminate called without an active exception\n");
    std::abort();
  }
  say("taupage: terminate called after throwing an instance of ");
  say(type->name());  // mangled (St12out_of_range): the demangler is what this file saves
  say("\n");
  try {
    throw;
  } catch (const std::exception& e) {
    say("  what(): ");
    say(e.what());
    say("\n");
  } catch (...) {
  }
  std::abort();
}

}  // namespace __gnu_cxx

// Replaces glibc's: the same words, without translation.
extern "C" [[noreturn]] void __assert_fail(const char* assertion, const char* file, unsigned int line, const char* function) {
  char number[16];
  char* p = number + sizeof number;
  *--p = '\0';
  do {
    *--p = static_cast<char>('0' + line % 10);
    line /= 10;
  } while (line != 0 && p > number);
  say("taupage: ");
  say(file);
  say(":");
  say(p);
  say(": ");
  if (function != nullptr) {
    say(function);
    say(": ");
  }
  say("Assertion `");
  say(assertion);
  say("' failed.\n");
  std::abort();
}

// Replaces glibc's for mbedTLS: UTC needs no time zone data.
extern "C" struct tm* gmtime_r(const time_t* seconds, struct tm* out) {
  taupage::utc_to_tm(static_cast<int64_t>(*seconds), *out);
  return out;
}
