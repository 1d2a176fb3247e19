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
#include <string>
#include <vector>

#include "warren/message.h"

namespace warren {

// A message as a client receives it (basic.deliver, basic.get-ok, basic.return).
struct ObservedMessage {
  std::string exchange;
  std::string routing_key;
  bool redelivered = false;
  BasicProperties properties;
  std::string body;
};

// The reply to one timeline step: code 0 when it succeeded.
struct ObservedStep {
  std::string pointer;
  uint16_t code = 0;
  std::string closes;  // "channel", "connection", or "" when nothing closed
  std::string text;
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
  // closes it saw ("cancel", "406 PRECONDITION_FAILED - ...").
  std::map<std::string, std::vector<std::string>> client_events;
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
