// What the AMQP clients of a scenario could see, and nothing else: step
// replies, deliveries, returns, confirms, and at the end the queues (ready
// messages drained head first by basic.get, unacked counts) and exchanges.
// This is the part of a run a real RabbitMQ can be compared on: the
// conformance suite (tests/conformance/) records the same shape from a real
// broker and compares the two as JSON.
#ifndef WARREN_INCLUDE_WARREN_OBSERVATION_H_
#define WARREN_INCLUDE_WARREN_OBSERVATION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "warren/message.h"

namespace warren {

// A message as a client receives it (basic.deliver, basic.get-ok, basic.return).
struct ObservedMessage {
  // Warren's id of the message (MessageId::value), for the run's own
  // checks; not part of what a client sees, nor of the JSON.
  uint64_t message_id = 0;
  std::string exchange;
  std::string routing_key;
  bool redelivered = false;
  BasicProperties properties;
  std::string body;
};

// A delivery or get-ok on a named channel of the file's (ScenarioStep::
// connection), with the tags a later ack step names.
struct ObservedDelivery {
  std::string consumer_tag;  // "" for basic.get; "*" for a server-generated tag
  uint64_t delivery_tag = 0;
  ObservedMessage message;
};

// What a successful step's reply carried, for the methods whose ok-reply
// carries data: queue.declare-ok (message and consumer counts),
// queue.purge-ok and queue.delete-ok (message count), basic.get-ok (the
// message and the count left) or basic.get-empty.
struct ObservedReply {
  std::optional<uint64_t> message_count;
  std::optional<uint64_t> consumer_count;
  std::optional<ObservedDelivery> got;  // basic.get-ok
  bool empty = false;                   // basic.get-empty
};

// The reply to one timeline step: code 0 when it succeeded.
struct ObservedStep {
  std::string pointer;
  uint16_t code = 0;
  std::string closes;  // "channel", "connection", or "" when nothing closed
  std::string text;
  std::optional<ObservedReply> reply;  // on success, for the methods above
};

struct ObservedReturn {
  uint16_t reply_code = 0;
  std::string reply_text;
  ObservedMessage message;
};

struct ObservedQueue {
  std::string name;
  uint64_t unacked = 0;
  std::vector<ObservedMessage> ready;  // head first
};

struct Observation {
  std::vector<ObservedStep> steps;
  // Per scripted client, in arrival order. Clients that never received a
  // delivery still appear, with an empty list.
  std::map<std::string, std::vector<ObservedMessage>> deliveries;
  // Per scripted client: server-initiated basic.cancel and channel/connection
  // closes it saw ("cancel", "406 PRECONDITION_FAILED - ..."). Per named
  // channel: its server cancels only, naming the tag ("cancel t1"; "cancel *"
  // for a server-generated one); a close a step caused is in that step.
  std::map<std::string, std::vector<std::string>> client_events;
  // Per named channel ("conn", or "conn/2" for channel 2 on it), the
  // deliveries of its consume steps in arrival order.
  std::map<std::string, std::vector<ObservedDelivery>> channels;
  std::vector<ObservedReturn> returns;
  // Publisher confirms in sequence-number order: true = ack, false = nack.
  std::vector<bool> confirms;
  std::vector<ObservedQueue> queues;       // by name; server-named queues excluded
  std::vector<std::string> exchanges;      // by name; "" and amq.* excluded
};

// The observation as canonical JSON (sorted keys, no whitespace variance),
// the format the conformance recorder writes for a real broker. Header
// values become JSON values; x-death "time" fields are dropped (wall clock
// on a real broker), timestamps print as {"timestamp": seconds}.
std::string ObservationToJson(const Observation& observation);

}  // namespace warren

#endif  // WARREN_INCLUDE_WARREN_OBSERVATION_H_
