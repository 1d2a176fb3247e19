// Publishes through a TTL + dead-letter hop and exits 0 only if the message
// arrives in the dead-letter queue with its x-death entry.
#include <iostream>

#include "warren/warren.h"

int main() {
  warren::Simulation sim({.seed = 3});
  warren::Connection conn = sim.Connect("embedder");
  auto ch = conn.OpenChannel();
  if (!ch.ok()) return 1;
  warren::FieldTable args{{"x-message-ttl", warren::FieldValue::SignedInt(1000)},
                          {"x-dead-letter-exchange", warren::FieldValue::String("")},
                          {"x-dead-letter-routing-key", warren::FieldValue::String("dlq")}};
  if (!ch->QueueDeclare("dlq").ok() || !ch->QueueDeclare("work", {.arguments = args}).ok()) {
    return 2;
  }
  if (!ch->BasicPublish({.routing_key = "work", .body = "hello"}).ok()) return 3;
  if (!sim.RunFor(absl::Seconds(1)).ok()) return 4;
  auto dlq = sim.Messages("dlq");
  if (!dlq.ok()) return 5;
  if (dlq->size() != 1 || !(*dlq)[0].properties().headers->Contains("x-death")) return 5;
  std::cout << "dead-lettered after 1s: " << (*dlq)[0].body() << "\n";
  return 0;
}
