// The wire benchmark's ceiling: an AMQP 0-9-1 server that does the least
// any broker must do for the benchmark's workload, and nothing else. It
// answers the handshake and every synchronous method with its -ok, keeps
// each channel's published messages in one FIFO per queue name as the raw
// content frames it received, and delivers them to a consumer on that
// queue within its prefetch, counting acks. No exchanges, no routing
// beyond "routing key = queue name" or a one-binding lookup, no
// properties decoded, no trace. What a client reaches against it is what
// that client can reach at all; Warren's figure is read against it.
//
//   warren_bench_null_server [PORT]      prints "READY amqp=<port>"
//
// Frames are parsed with Warren's own frame reader and method codec, so
// the two servers pay the same parsing cost; batching is the same (one
// write per connection per read).

// Boost 1.74's asio/awaitable.hpp needs <utility> first under C++20.
#include <utility>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio.hpp>

#include "sim/wire/frames.h"
#include "sim/wire/method_codec.h"
#include "sim/wire/method_table.h"

namespace warren::internal::wire {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Stored {
  std::string header;  // content-header payload
  std::string body;
};

// The server's whole state: queues by name, bindings exchange+key -> queue.
struct World {
  std::map<std::string, std::deque<Stored>> queues;
  std::map<std::string, std::string> bindings;  // exchange '\0' key -> queue
  uint64_t next_queue = 0;
};

struct Consumer {
  std::string queue;
  std::string tag;
};

struct ChannelState {
  uint32_t prefetch = 0;
  uint64_t next_tag = 1;
  uint64_t acked_to = 0;  // the highest tag acked
  uint64_t unacked = 0;
  bool confirms = false;
  uint64_t publish_seq = 0;
  std::optional<Consumer> consumer;
  // The publish being assembled.
  int stage = 0;  // 0 none, 1 want header, 2 want body
  std::string queue;
  Stored pending;
  uint64_t body_left = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, World& world) : socket_(std::move(socket)), world_(world) {}

  void Start() { Read(); }

 private:
  void Read() {
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(buffer_), [this, self](boost::system::error_code ec,
                                                                size_t n) {
      if (ec) return;
      std::string_view in(buffer_.data(), n);
      if (!header_seen_) {
        header_seen_ = true;
        in.remove_prefix(std::min<size_t>(8, in.size()));  // "AMQP\0\0\x09\x01"
        Start(out_);
      }
      reader_.Feed(in);
      std::optional<WireError> error;
      while (std::optional<Frame> f = reader_.Next(error)) Handle(*f);
      if (error || closing_) {
        Write(/*then_close=*/true);
        return;
      }
      Write(false);
      Read();
    });
  }

  void Write(bool then_close) {
    if (out_.empty() || writing_) {
      if (then_close && !writing_) socket_.close();
      return;
    }
    writing_ = true;
    sending_.swap(out_);
    out_.clear();
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(sending_),
                      [this, self, then_close](boost::system::error_code ec, size_t) {
                        writing_ = false;
                        sending_.clear();
                        if (ec) return;
                        if (!out_.empty()) return Write(then_close);
                        if (then_close) socket_.close();
                      });
  }

  static void Start(std::string& out) {
    FieldTable caps;
    for (const char* c : {"publisher_confirms", "basic.nack", "consumer_cancel_notify",
                          "per_consumer_qos"}) {
      caps.mutable_entries().emplace_back(c, FieldValue::Bool(true));
    }
    FieldTable props{{"capabilities", FieldValue::Table(caps)},
                     {"product", FieldValue::String("null server")},
                     {"version", FieldValue::String("0")}};
    MethodWriter(ids::kConnectionStart)
        .Octet(0)
        .Octet(9)
        .Table(props)
        .LongStr("AMQPLAIN PLAIN")
        .LongStr("en_US")
        .AppendTo(out, 0);
  }

  void Handle(const Frame& f) {
    if (f.type == kFrameHeartbeat) return;
    ChannelState& ch = channels_[f.channel];
    if (f.type == kFrameHeader) {
      if (ch.stage != 1 || f.payload.size() < 12) return;
      ch.pending.header = std::string(f.payload);
      uint64_t size = 0;
      for (int i = 4; i < 12; ++i) size = (size << 8) | static_cast<uint8_t>(f.payload[i]);
      ch.body_left = size;
      ch.stage = 2;
      if (size == 0) Published(f.channel, ch);
      return;
    }
    if (f.type == kFrameBody) {
      if (ch.stage != 2) return;
      ch.pending.body.append(f.payload);
      ch.body_left -= std::min<uint64_t>(ch.body_left, f.payload.size());
      if (ch.body_left == 0) Published(f.channel, ch);
      return;
    }
    std::optional<WireError> error;
    std::optional<Method> m = DecodeMethod(f.payload, error);
    if (!m) {
      closing_ = true;
      return;
    }
    const uint16_t c = f.channel;
    switch (m->id()) {
      case ids::kConnectionStartOk:
        MethodWriter(ids::kConnectionTune).Short(2047).Long(131072).Short(0).AppendTo(out_, 0);
        return;
      case ids::kConnectionTuneOk:
        reader_.set_frame_max(static_cast<uint32_t>(m->Number(1)));
        reader_.set_tuned(true);
        return;
      case ids::kConnectionOpen:
        MethodWriter(ids::kConnectionOpenOk).ShortStr("").AppendTo(out_, 0);
        return;
      case ids::kConnectionClose:
        MethodWriter(ids::kConnectionCloseOk).AppendTo(out_, 0);
        closing_ = true;
        return;
      case ids::kChannelOpen:
        channels_[c] = ChannelState();
        MethodWriter(ids::kChannelOpenOk).LongStr("").AppendTo(out_, c);
        return;
      case ids::kChannelClose:
        Requeue(channels_[c]);
        channels_.erase(c);
        MethodWriter(ids::kChannelCloseOk).AppendTo(out_, c);
        return;
      case ids::kExchangeDeclare:
        if (!m->Bit(7)) MethodWriter(ids::kExchangeDeclareOk).AppendTo(out_, c);
        return;
      case ids::kQueueDeclare: {
        std::string name(m->Text(1));
        if (name.empty()) name = "amq.gen-" + std::to_string(++world_.next_queue);
        std::deque<Stored>& q = world_.queues[name];
        if (!m->Bit(6)) {
          MethodWriter(ids::kQueueDeclareOk)
              .ShortStr(name)
              .Long(static_cast<uint32_t>(q.size()))
              .Long(0)
              .AppendTo(out_, c);
        }
        return;
      }
      case ids::kQueueBind:
        world_.bindings[std::string(m->Text(2)) + '\0' + std::string(m->Text(3))] =
            std::string(m->Text(1));
        if (!m->Bit(4)) MethodWriter(ids::kQueueBindOk).AppendTo(out_, c);
        return;
      case ids::kQueueDelete: {
        size_t n = world_.queues[std::string(m->Text(1))].size();
        world_.queues.erase(std::string(m->Text(1)));
        if (!m->Bit(4)) {
          MethodWriter(ids::kQueueDeleteOk).Long(static_cast<uint32_t>(n)).AppendTo(out_, c);
        }
        return;
      }
      case ids::kQueuePurge: {
        std::deque<Stored>& q = world_.queues[std::string(m->Text(1))];
        size_t n = q.size();
        q.clear();
        if (!m->Bit(2)) {
          MethodWriter(ids::kQueuePurgeOk).Long(static_cast<uint32_t>(n)).AppendTo(out_, c);
        }
        return;
      }
      case ids::kBasicQos:
        channels_[c].prefetch = static_cast<uint32_t>(m->Number(1));
        MethodWriter(ids::kBasicQosOk).AppendTo(out_, c);
        return;
      case ids::kConfirmSelect:
        channels_[c].confirms = true;
        if (!m->Bit(0)) MethodWriter(ids::kConfirmSelectOk).AppendTo(out_, c);
        return;
      case ids::kBasicConsume: {
        ChannelState& s = channels_[c];
        std::string tag(m->Text(2));
        if (tag.empty()) tag = "ctag-" + std::to_string(c);
        s.consumer = Consumer{std::string(m->Text(1)), tag};
        if (!m->Bit(6)) MethodWriter(ids::kBasicConsumeOk).ShortStr(tag).AppendTo(out_, c);
        Deliver(c, s);
        return;
      }
      case ids::kBasicCancel: {
        ChannelState& s = channels_[c];
        s.consumer.reset();
        if (!m->Bit(1)) MethodWriter(ids::kBasicCancelOk).ShortStr(m->Text(0)).AppendTo(out_, c);
        return;
      }
      case ids::kBasicPublish: {
        ChannelState& s = channels_[c];
        std::string exchange(m->Text(1)), key(m->Text(2));
        if (exchange.empty()) {
          s.queue = key;
        } else {
          auto it = world_.bindings.find(exchange + '\0' + key);
          s.queue = it == world_.bindings.end() ? std::string() : it->second;
        }
        s.pending = Stored();
        s.stage = 1;
        return;
      }
      case ids::kBasicAck: {
        // Single acks, or multiple acks, not both on one channel (the
        // benchmark clients ack one by one).
        ChannelState& s = channels_[c];
        const uint64_t tag = m->Number(0);
        uint64_t n = 1;
        if (m->Bit(1)) n = tag > s.acked_to ? tag - s.acked_to : 0;
        s.acked_to = std::max(s.acked_to, tag);
        s.unacked -= std::min(s.unacked, n);
        Deliver(c, s);
        return;
      }
      default:
        return;  // everything else: no answer needed for this workload
    }
  }

  void Published(uint16_t c, ChannelState& s) {
    s.stage = 0;
    if (s.confirms) {
      MethodWriter(ids::kBasicAck).LongLong(++s.publish_seq).Bit(false).AppendTo(out_, c);
    }
    auto q = world_.queues.find(s.queue);
    if (q != world_.queues.end()) q->second.push_back(std::move(s.pending));
    // Wake consumers on this connection (the benchmark's consumer is here).
    for (auto& [n, other] : channels_) {
      if (other.consumer && other.consumer->queue == s.queue) Deliver(n, other);
    }
  }

  void Deliver(uint16_t c, ChannelState& s) {
    if (!s.consumer) return;
    auto q = world_.queues.find(s.consumer->queue);
    if (q == world_.queues.end()) return;
    while (!q->second.empty() && (s.prefetch == 0 || s.unacked < s.prefetch)) {
      Stored& m = q->second.front();
      MethodWriter(ids::kBasicDeliver)
          .ShortStr(s.consumer->tag)
          .LongLong(s.next_tag++)
          .Bit(false)
          .ShortStr("")
          .ShortStr(s.consumer->queue)
          .AppendTo(out_, c);
      AppendFrame(out_, kFrameHeader, c, m.header);
      AppendFrame(out_, kFrameBody, c, m.body);
      ++s.unacked;
      q->second.pop_front();
    }
  }

  void Requeue(ChannelState&) {}  // the benchmark acks everything before closing

  tcp::socket socket_;
  World& world_;
  std::array<char, 64 * 1024> buffer_;
  FrameReader reader_;
  std::map<uint16_t, ChannelState> channels_;
  std::string out_, sending_;
  bool header_seen_ = false;
  bool writing_ = false;
  bool closing_ = false;
};

void Accept(tcp::acceptor& acceptor, World& world) {
  acceptor.async_accept([&acceptor, &world](boost::system::error_code ec, tcp::socket socket) {
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Connection>(std::move(socket), world)->Start();
    }
    Accept(acceptor, world);
  });
}

}  // namespace
}  // namespace warren::internal::wire

int main(int argc, char** argv) {
  namespace w = warren::internal::wire;
  uint16_t port = argc > 1 ? static_cast<uint16_t>(std::atoi(argv[1])) : 0;
  w::asio::io_context io;
  w::tcp::acceptor acceptor(io, w::tcp::endpoint(w::asio::ip::make_address("127.0.0.1"), port));
  w::World world;
  w::Accept(acceptor, world);
  std::cout << "READY amqp=" << acceptor.local_endpoint().port() << std::endl;
  io.run();
}
