// connection.start / start-ok / tune / tune-ok / open, as RabbitMQ 3.10.8
// answers them: its server properties and capabilities, PLAIN and AMQPLAIN,
// the tune-ok checks, vhosts. Errors before connection.open send no frame
// (RabbitMQ sleeps 3 s and resets), except a refused login to a client that
// claims authentication_failure_close.
#include "sim/amqp/field_codec.h"
#include "sim/core/coding.h"
#include "sim/core/strings.h"
#include "sim/wire/session.h"

namespace warren::internal::wire {
namespace {

FieldValue S(std::string_view s) { return FieldValue::String(s); }

// rabbit_reader:server_capabilities, in its order.
FieldTable Capabilities() {
  FieldTable t;
  for (const char* c : {"publisher_confirms", "exchange_exchange_bindings", "basic.nack",
                        "consumer_cancel_notify", "connection.blocked", "consumer_priorities",
                        "authentication_failure_close", "per_consumer_qos", "direct_reply_to"}) {
    t.mutable_entries().emplace_back(c, FieldValue::Bool(true));
  }
  return t;
}

}  // namespace

void Session::SendStart() {
  const ServerIdentity& id = options_.identity;
  // The keys sorted, as rabbit_reader:server_properties usorts them.
  FieldTable props{{"capabilities", FieldValue::Table(Capabilities())},
                   {"cluster_name", S(id.cluster_name)},
                   {"copyright", S(id.copyright)},
                   {"information", S(id.information)},
                   {"platform", S(id.platform)},
                   {"product", S(id.product)},
                   {"version", S(id.version)}};
  MethodWriter(ids::kConnectionStart)
      .Octet(0)
      .Octet(9)
      .Table(props)
      .LongStr("AMQPLAIN PLAIN")
      .LongStr("en_US")
      .AppendTo(output_, 0);
}

bool Session::ClientCapability(std::string_view name) const {
  const FieldValue* caps = client_properties_.Find("capabilities");
  if (caps == nullptr || caps->type() != FieldType::kTable) return false;
  const FieldValue* v = caps->as_table().Find(name);
  return v != nullptr && v->type() == FieldType::kBool && v->as_bool();
}

bool Session::Authenticate(std::string_view mechanism, std::string_view response) {
  std::string login, password;
  if (mechanism == "PLAIN") {
    // authzid NUL authcid NUL password
    size_t a = response.find('\0');
    size_t b = a == std::string_view::npos ? a : response.find('\0', a + 1);
    if (b == std::string_view::npos) return false;
    login = std::string(response.substr(a + 1, b - a - 1));
    password = std::string(response.substr(b + 1));
  } else {
    // AMQPLAIN: a field table without its u32 length (py-amqp strips it).
    std::string table(4, '\0');
    PutU32(table.data(), static_cast<uint32_t>(response.size()));
    table.append(response);
    if (!CheckTableBytes(table).empty()) return false;
    FieldTable t = DecodeTable(table);
    const FieldValue* l = t.Find("LOGIN");
    const FieldValue* p = t.Find("PASSWORD");
    if (l == nullptr || p == nullptr || !l->is_string() || !p->is_string()) return false;
    login = l->as_string();
    password = p->as_string();
  }
  for (const User& u : options_.users) {
    if (u.name == login && u.password == password) {
      user_ = login;
      return true;
    }
  }
  user_ = login;
  return false;
}

void Session::OnStartOk(const Method& m) {
  client_properties_ = m.Table(0);
  const std::string_view mechanism = m.Text(1);
  if (mechanism != "PLAIN" && mechanism != "AMQPLAIN") {
    return Fail(WireError{WireError::Kind::kSilent, ReplyCode::kCommandInvalid,
                          Cat("unknown authentication mechanism '", mechanism, "'"), 0, 0});
  }
  if (!Authenticate(mechanism, m.Text(2))) {
    if (ClientCapability("authentication_failure_close")) {
      MethodWriter(ids::kConnectionClose)
          .Short(static_cast<uint16_t>(ReplyCode::kAccessRefused))
          .ShortStr(Cat("ACCESS_REFUSED - Login was refused using authentication mechanism ",
                        mechanism, ". For details see the broker logfile."))
          .Short(0)
          .Short(0)
          .AppendTo(output_, 0);
    }
    notes_.push_back(Cat("login of user '", user_, "' refused (", mechanism,
                         "); RabbitMQ resets the socket 3 s later"));
    action_ = SocketAction::kCloseAfterSilence;
    state_ = State::kClosed;
    return;
  }
  MethodWriter(ids::kConnectionTune)
      .Short(options_.channel_max)
      .Long(options_.frame_max)
      .Short(options_.heartbeat)
      .AppendTo(output_, 0);
  state_ = State::kTuneOk;
}

void Session::OnTuneOk(const Method& m) {
  const uint16_t channel_max = static_cast<uint16_t>(m.Number(0));
  const uint32_t frame_max = static_cast<uint32_t>(m.Number(1));
  const uint16_t heartbeat = static_cast<uint16_t>(m.Number(2));
  // rabbit_reader:validate_negotiated_integer_value. 3.10.8 raises its 530
  // in a state where it sends nothing: the socket just goes after 3 s.
  auto refuse = [&](std::string what) {
    Fail(WireError{WireError::Kind::kSilent, ReplyCode::kNotAllowed, std::move(what), 0, 0});
  };
  if (frame_max == 0 || frame_max > options_.frame_max) {
    return refuse(Cat("negotiated frame_max = ", frame_max, " is higher than the maximum allowed "
                      "value (", options_.frame_max, ")"));
  }
  if (frame_max < kFrameMinSize) {
    return refuse(Cat("negotiated frame_max = ", frame_max, " is lower than the minimum allowed "
                      "value (", kFrameMinSize, ")"));
  }
  if (channel_max == 0 || channel_max > options_.channel_max) {
    return refuse(Cat("negotiated channel_max = ", channel_max, " is higher than the maximum "
                      "allowed value (", options_.channel_max, ")"));
  }
  channel_max_ = channel_max;
  frame_max_ = frame_max;
  heartbeat_ = heartbeat;  // the client's value, as RabbitMQ takes it
  reader_.set_frame_max(frame_max);
  reader_.set_tuned(true);
  state_ = State::kAwaitOpen;
}

void Session::OnOpen(const Method& m) {
  const std::string_view vhost = m.Text(0);
  bool known = false;
  for (const std::string& v : options_.vhosts) known = known || v == vhost;
  if (!known) {
    SendConnectionClose(CloseReason{ReplyCode::kNotAllowed,
                                    Cat("NOT_ALLOWED - vhost ", vhost, " not found"),
                                    m.spec->class_id, m.spec->method_id});
    return;
  }
  vhost_ = std::string(vhost);
  connection_ = sim_.Connect(name_, user_);
  MethodWriter(ids::kConnectionOpenOk).ShortStr("").AppendTo(output_, 0);
  state_ = State::kRunning;
}

}  // namespace warren::internal::wire
