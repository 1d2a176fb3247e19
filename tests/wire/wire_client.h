// A test's side of the wire: builds the frames a client sends and reads
// back what a Session answered, so wire tests read as conversations:
//
//   WireTest t;
//   t.Handshake();
//   t.Send(1, Call(ids::kChannelOpen).ShortStr(""));
//   EXPECT_EQ(t.Next().name, "channel.open-ok");
#ifndef WARREN_TESTS_WIRE_WIRE_CLIENT_H_
#define WARREN_TESTS_WIRE_WIRE_CLIENT_H_

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "sim/amqp/field_codec.h"
#include "sim/amqp/property_codec.h"
#include "sim/core/coding.h"
#include "sim/wire/frames.h"
#include "sim/wire/method_codec.h"
#include "sim/wire/session.h"
#include "warren/warren.h"

namespace warren::internal::wire {

using Call = MethodWriter;

// One frame the server sent, decoded.
struct Reply {
  uint8_t type = 0;
  uint16_t channel = 0;
  std::string name;  // "basic.deliver"; "header", "body", "heartbeat" for other frames
  std::vector<uint64_t> numbers;      // numeric and bit arguments, in order
  std::vector<std::string> texts;     // string arguments, in order
  std::string payload;                // the whole payload
  // A close's reply code and text.
  uint16_t code() const { return numbers.empty() ? 0 : static_cast<uint16_t>(numbers[0]); }
  std::string text() const { return texts.empty() ? "" : texts[0]; }
};

inline std::string FrameBytes(uint8_t type, uint16_t channel, std::string_view payload) {
  std::string out;
  AppendFrame(out, type, channel, payload);
  return out;
}

inline std::string ContentHeader(const BasicProperties& p, uint64_t body_size) {
  std::string why;
  std::string props(*EncodedPropertiesSize(p, &why), '\0');
  EncodeProperties(p, props.data());
  if (props.empty()) props = std::string("\0\0", 2);
  std::string h;
  AppendU16(h, 60);
  AppendU16(h, 0);
  AppendU64(h, body_size);
  return h + props;
}

class WireTest {
 public:
  explicit WireTest(SessionOptions options = {}, SimulationOptions sim_options = {})
      : sim(sim_options), session(sim, options, "test-client") {
    reader_.set_frame_max(0);  // the test reads whatever the server sends
    reader_.set_tuned(true);
  }

  // Feeds bytes, runs the simulation at the current instant, collects the replies.
  void Raw(std::string_view bytes) {
    session.OnBytes(bytes);
    Collect();
  }
  void Send(uint16_t channel, MethodWriter m) {
    std::string out;
    m.AppendTo(out, channel);
    Raw(out);
  }
  void Publish(uint16_t channel, MethodWriter m, const BasicProperties& p, std::string_view body) {
    std::string out;
    m.AppendTo(out, channel);
    AppendFrame(out, kFrameHeader, channel, ContentHeader(p, body.size()));
    if (!body.empty()) AppendFrame(out, kFrameBody, channel, body);
    Raw(out);
  }
  void Collect() {
    (void)sim.RunUntil(sim.Now());
    reader_.Feed(session.output());
    session.output().clear();
    std::optional<WireError> error;
    while (std::optional<wire::Frame> f = reader_.Next(error)) replies_.push_back(Decode(*f));
    EXPECT_FALSE(error.has_value()) << "the server's own framing is broken";
  }
  // The next reply; fails the test when there is none.
  Reply Next() {
    if (replies_.empty()) {
      ADD_FAILURE() << "expected a reply from the server, got none";
      return Reply{};
    }
    Reply r = replies_.front();
    replies_.pop_front();
    return r;
  }
  bool Quiet() const { return replies_.empty(); }

  // Protocol header, start-ok (PLAIN guest/guest, `capabilities`), tune-ok, open "/".
  void Handshake(FieldTable capabilities = DefaultCapabilities(), uint32_t frame_max = 131072) {
    Raw(std::string("AMQP\0\0\x09\x01", 8));
    EXPECT_EQ(Next().name, "connection.start");
    Send(0, Call(ids::kConnectionStartOk)
                .Table({{"capabilities", FieldValue::Table(std::move(capabilities))}})
                .ShortStr("PLAIN")
                .LongStr(std::string("\0guest\0guest", 12))
                .ShortStr("en_US"));
    EXPECT_EQ(Next().name, "connection.tune");
    Send(0, Call(ids::kConnectionTuneOk).Short(2047).Long(frame_max).Short(0));
    Send(0, Call(ids::kConnectionOpen).ShortStr("/").ShortStr("").Bit(false));
    EXPECT_EQ(Next().name, "connection.open-ok");
  }
  void OpenChannel(uint16_t n) {
    Send(n, Call(ids::kChannelOpen).ShortStr(""));
    EXPECT_EQ(Next().name, "channel.open-ok");
  }
  static FieldTable DefaultCapabilities() {
    return {{"publisher_confirms", FieldValue::Bool(true)},
            {"consumer_cancel_notify", FieldValue::Bool(true)},
            {"basic.nack", FieldValue::Bool(true)},
            {"connection.blocked", FieldValue::Bool(true)},
            {"authentication_failure_close", FieldValue::Bool(true)}};
  }

  Simulation sim;
  Session session;

 private:
  static Reply Decode(const wire::Frame& f) {
    Reply r;
    r.type = f.type;
    r.channel = f.channel;
    r.payload = std::string(f.payload);
    if (f.type == kFrameHeader) r.name = "header";
    if (f.type == kFrameBody) r.name = "body";
    if (f.type == kFrameHeartbeat) r.name = "heartbeat";
    if (f.type != kFrameMethod) return r;
    std::optional<WireError> error;
    std::optional<Method> m = DecodeMethod(f.payload, error);
    if (!m) {
      ADD_FAILURE() << "the server sent a method it cannot decode";
      return r;
    }
    r.name = std::string(m->spec->name);
    for (size_t i = 0; i < m->spec->args.size(); ++i) {
      switch (m->spec->args[i].type) {
        case ArgType::kShortStr:
        case ArgType::kLongStr:
        case ArgType::kTable: r.texts.emplace_back(m->Text(i)); break;
        default: r.numbers.push_back(m->Number(i)); break;
      }
    }
    return r;
  }
  FrameReader reader_;
  std::deque<Reply> replies_;
};

}  // namespace warren::internal::wire

#endif  // WARREN_TESTS_WIRE_WIRE_CLIENT_H_
