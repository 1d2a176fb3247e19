#include "sim/scenario/topology.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "sim/core/strings.h"

namespace warren::internal {
namespace {

absl::Status At(const std::string& pointer, const absl::Status& s) {
  if (s.ok()) return s;
  return absl::Status(s.code(), Cat(pointer, ": ", s.message()));
}

}  // namespace

absl::Status Bind(Channel& ch, const ScenarioBinding& b, bool bind) {
  if (b.to_exchange) {
    return bind ? ch.ExchangeBind(b.destination, b.source, b.routing_key, b.arguments)
                : ch.ExchangeUnbind(b.destination, b.source, b.routing_key, b.arguments);
  }
  return bind ? ch.QueueBind(b.destination, b.source, b.routing_key, b.arguments)
              : ch.QueueUnbind(b.destination, b.source, b.routing_key, b.arguments);
}

const std::string& ResolveQueue(const std::map<std::string, std::string>& aliases,
                                const std::string& name) {
  auto it = aliases.find(name);
  return it == aliases.end() ? name : it->second;
}

absl::Status DeclareTopology(Simulation& sim, Channel& admin, const ScenarioSpec& spec,
                             std::map<std::string, std::string>& aliases) {
  for (size_t i = 0; i < spec.exchanges.size(); ++i) {
    const ScenarioExchange& x = spec.exchanges[i];
    if (absl::Status s = admin.ExchangeDeclare(x.name, x.options); !s.ok()) {
      return At(Cat("/exchanges/", i), s);
    }
  }
  for (size_t i = 0; i < spec.queues.size(); ++i) {
    const ScenarioQueue& q = spec.queues[i];
    absl::StatusOr<QueueDeclareOk> ok = admin.QueueDeclare(q.name, q.options);
    if (!ok.ok()) return At(Cat("/queues/", i), ok.status());
    if (!q.alias.empty()) aliases[q.alias] = ok->queue;
  }
  for (size_t i = 0; i < spec.bindings.size(); ++i) {
    ScenarioBinding b = spec.bindings[i];
    if (!b.to_exchange) b.destination = ResolveQueue(aliases, b.destination);
    if (absl::Status s = Bind(admin, b, true); !s.ok()) {
      return At(Cat("/bindings/", i), s);
    }
  }
  for (size_t i = 0; i < spec.policies.size(); ++i) {
    const ScenarioPolicy& p = spec.policies[i];
    absl::Status s = p.operator_policy ? sim.SetOperatorPolicy(p.spec) : sim.SetPolicy(p.spec);
    if (!s.ok()) {
      return At(Cat("/policies/", i), s);
    }
  }
  return absl::OkStatus();
}

absl::Status CheckTopology(const ScenarioSpec& spec) {
  Simulation scratch(spec.options);
  Connection conn = scratch.Connect("validate");
  absl::StatusOr<Channel> ch = conn.OpenChannel();
  if (!ch.ok()) return ch.status();
  std::map<std::string, std::string> aliases;
  absl::Status s = DeclareTopology(scratch, *ch, spec, aliases);
  if (s.ok()) return s;
  // Policy validation texts are multi-line ("Validation failed\n\n-1 is not
  // a valid message TTL\n"); a load error is one line.
  std::string message = OneLine(std::string_view(s.message().data(), s.message().size()));
  size_t colon = message.find(": ");
  if (colon == std::string::npos) return s;
  return absl::InvalidArgumentError(Cat(message.substr(0, colon),
                                        ": expected a declaration RabbitMQ accepts, got ",
                                        message.substr(colon + 2)));
}

}  // namespace warren::internal
