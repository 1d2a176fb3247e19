// Fuzzes the wire front end's protocol core (frame reader, method codec,
// assembler, session) with a Simulation behind it: any bytes a client could
// send must end in a reply, a close or a reset, never a crash, and leave the
// broker's accounting intact and the server's own output well framed.
//
// Input: byte 0 picks the start (even: a fresh connection, the bytes begin
// with the protocol header; odd: after a completed handshake and
// channel.open on channel 1), byte 1 the chunk size the rest arrives in.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sim/wire/frames.h"
#include "sim/wire/method_codec.h"
#include "sim/wire/session.h"
#include "warren/simulation.h"

namespace {

using warren::internal::wire::Frame;
using warren::internal::wire::FrameReader;
using warren::internal::wire::MethodWriter;
using warren::internal::wire::WireError;
namespace ids = warren::internal::wire::ids;

std::string Handshake() {
  std::string out("AMQP\0\0\x09\x01", 8);
  MethodWriter(ids::kConnectionStartOk)
      .Table({})
      .ShortStr("PLAIN")
      .LongStr(std::string("\0guest\0guest", 12))
      .ShortStr("en_US")
      .AppendTo(out, 0);
  MethodWriter(ids::kConnectionTuneOk).Short(16).Long(4096).Short(0).AppendTo(out, 0);
  MethodWriter(ids::kConnectionOpen).ShortStr("/").ShortStr("").Bit(false).AppendTo(out, 0);
  MethodWriter(ids::kChannelOpen).ShortStr("").AppendTo(out, 1);
  return out;
}

void CheckFramed(const std::string& output) {
  FrameReader reader;
  reader.set_frame_max(0);
  reader.set_tuned(true);
  // A reset may follow the 8-byte protocol header the server writes back.
  std::string_view bytes = output;
  if (bytes.substr(0, 4) == "AMQP") bytes.remove_prefix(8);
  reader.Feed(bytes);
  std::optional<WireError> error;
  while (reader.Next(error)) {
  }
  if (error || reader.buffered() != 0) {
    std::fprintf(stderr, "the server wrote a malformed frame\n");
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  warren::Simulation sim({.seed = 1, .max_live_messages = 1000});
  warren::internal::wire::SessionOptions options;
  options.max_message_size = 1 << 16;
  auto session = std::make_unique<warren::internal::wire::Session>(sim, options, "fuzz");
  const bool after_handshake = data[0] % 2 == 1;
  const size_t chunk = 1 + data[1] % 64;
  std::string input(reinterpret_cast<const char*>(data + 2), size - 2);
  if (after_handshake) {
    session->OnBytes(Handshake());
  } else {
    input = std::string("AMQP\0\0\x09\x01", 8) + input;
  }
  std::string output = session->output();
  session->output().clear();
  for (size_t at = 0; at < input.size(); at += chunk) {
    session->OnBytes(std::string_view(input).substr(at, chunk));
    (void)sim.RunFor(absl::Seconds(1), 20000);
    output += session->output();
    session->output().clear();
  }
  if (absl::Status s = sim.CheckInvariants(); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    std::abort();
  }
  CheckFramed(output);
  session.reset();  // the client goes away: everything it held requeues
  (void)sim.RunFor(absl::Seconds(1), 20000);
  if (absl::Status s = sim.CheckInvariants(); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    std::abort();
  }
  return 0;
}
