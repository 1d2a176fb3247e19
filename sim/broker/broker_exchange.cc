// exchange.declare / delete / bind / unbind and queue.bind's binding store.
#include <algorithm>

#include "absl/strings/match.h"
#include "sim/core/strings.h"
#include "sim/broker/broker.h"
#include "sim/broker/headers_matcher.h"
#include "sim/amqp/methods.h"
#include "sim/amqp/names.h"

namespace warren::internal {
namespace {

std::optional<ExchangeType> ParseExchangeType(std::string_view t) {
  if (t == "direct") return ExchangeType::kDirect;
  if (t == "fanout") return ExchangeType::kFanout;
  if (t == "topic") return ExchangeType::kTopic;
  if (t == "headers") return ExchangeType::kHeaders;
  return std::nullopt;
}

constexpr char kDefaultExchangeText[] = "operation not permitted on the default exchange";

}  // namespace

void Broker::DeclareDefaultExchanges() {
  struct Builtin {
    const char* name;
    ExchangeType type;
    const char* type_name;
    bool internal;
  };
  const Builtin builtins[] = {
      {"", ExchangeType::kDirect, "direct", false},
      {"amq.direct", ExchangeType::kDirect, "direct", false},
      {"amq.fanout", ExchangeType::kFanout, "fanout", false},
      {"amq.headers", ExchangeType::kHeaders, "headers", false},
      {"amq.match", ExchangeType::kHeaders, "headers", false},
      {"amq.rabbitmq.trace", ExchangeType::kTopic, "topic", true},
      {"amq.topic", ExchangeType::kTopic, "topic", false},
  };
  for (const Builtin& b : builtins) {
    CreateExchange(b.name, b.type, b.type_name, {.durable = true, .internal = b.internal});
  }
}

Exchange& Broker::CreateExchange(std::string name, ExchangeType type, std::string type_name,
                                 const ExchangeDeclareOptions& o) {
  auto x = std::make_unique<Exchange>();
  x->name = name;
  x->type = type;
  x->type_name = std::move(type_name);
  x->durable = o.durable;
  x->auto_delete = o.auto_delete;
  x->internal = o.internal;
  x->arguments = o.arguments;
  Exchange& ref = *x;
  exchange_by_name_[name] = &ref;
  exchanges_.emplace(std::move(name), std::move(x));
  ApplyExchangePolicy(ref);
  return ref;
}

Exchange* Broker::FindExchangeCached(ChannelState& ch, std::string_view name) {
  if (ch.cached_exchange != nullptr && ch.cached_exchange_generation == exchange_generation_ &&
      SameBytes(ch.cached_exchange_name, name)) {
    return ch.cached_exchange;
  }
  Exchange* x = FindExchange(name);
  if (x != nullptr) {
    ch.cached_exchange_name.assign(name);
    ch.cached_exchange = x;
    ch.cached_exchange_generation = exchange_generation_;
  }
  return x;
}

Exchange* Broker::FindExchange(std::string_view name) {
  auto it = exchange_by_name_.find(absl::string_view(name.data(), name.size()));
  return it == exchange_by_name_.end() ? nullptr : it->second;
}

void Broker::ApplyExchangePolicy(Exchange& x) {
  const PolicySpec* p = x.name.empty() ? nullptr : policies_.ForExchange(x.name);
  x.policy = p ? p->name : "";
  // The default exchange never uses an alternate exchange.
  x.alternate_exchange =
      x.name.empty() ? std::nullopt : EffectiveAlternateExchange(x.arguments, p);
}

absl::Status Broker::ExchangeDeclare(uint64_t id, std::string_view raw_name,
                                     const ExchangeDeclareOptions& o) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  const MethodId m = methods::kExchangeDeclare;
  std::string name = StripCrLf(raw_name);
  std::optional<ExchangeType> type = ParseExchangeType(o.type);
  if (!o.passive && !type) {
    return Fail(*ch, ReplyCode::kCommandInvalid,
                Cat("unknown exchange type '", o.type, "'"), m);
  }
  if (name.empty()) return Fail(*ch, ReplyCode::kAccessRefused, kDefaultExchangeText, m);
  Exchange* x = FindExchange(name);
  if (o.passive) {
    if (x == nullptr) {
      return Fail(*ch, ReplyCode::kNotFound,
                  Cat("no ", ExchangeResource(name)), m);
    }
    return absl::OkStatus();
  }
  if (x == nullptr) {
    if (absl::StartsWith(name, "amq.")) {
      return Fail(*ch, ReplyCode::kAccessRefused,
                  Cat("exchange name '", name, "' contains reserved prefix 'amq.*'"),
                  m);
    }
    if (const FieldValue* ae = o.arguments.Find("alternate-exchange"); ae && !ae->is_string()) {
      return Fail(*ch, ReplyCode::kPreconditionFailed,
                  Cat("invalid type '", FieldTypeName(ae->type()),
                      "' for arg 'alternate-exchange' in ", ExchangeResource(name)),
                  m);
    }
    CreateExchange(name, *type, o.type, o);
    return absl::OkStatus();
  }
  auto inequivalent = [&](std::string_view what, std::string_view got, std::string_view cur) {
    return Fail(*ch, ReplyCode::kPreconditionFailed,
                Cat("inequivalent arg '", what, "' for ", ExchangeResource(name),
                             ": received '", got, "' but current is '", cur, "'"),
                m);
  };
  if (x->type_name != o.type) return inequivalent("type", o.type, x->type_name);
  if (x->durable != o.durable) return inequivalent("durable", BoolText(o.durable), BoolText(x->durable));
  if (x->auto_delete != o.auto_delete) {
    return inequivalent("auto_delete", BoolText(o.auto_delete), BoolText(x->auto_delete));
  }
  if (x->internal != o.internal) {
    return inequivalent("internal", BoolText(o.internal), BoolText(x->internal));
  }
  const FieldValue* cur = x->arguments.Find("alternate-exchange");
  const FieldValue* req = o.arguments.Find("alternate-exchange");
  if (!(cur == nullptr && req == nullptr) && !(cur && req && cur->EquivalentTo(*req))) {
    return Fail(*ch, ReplyCode::kPreconditionFailed,
                Cat("inequivalent arg 'alternate-exchange' for ",
                             ExchangeResource(name), ": received ", DescribeArgument(req),
                             " but current is ", DescribeArgument(cur)),
                m);
  }
  return absl::OkStatus();
}

absl::Status Broker::ExchangeDelete(uint64_t id, std::string_view raw_name, bool if_unused) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  const MethodId m = methods::kExchangeDelete;
  std::string name = StripCrLf(raw_name);
  if (name.empty()) return Fail(*ch, ReplyCode::kAccessRefused, kDefaultExchangeText, m);
  if (absl::StartsWith(name, "amq.")) {
    return Fail(*ch, ReplyCode::kAccessRefused,
                Cat("deletion of system ", ExchangeResource(name), " not allowed"), m);
  }
  Exchange* x = FindExchange(name);
  if (x == nullptr) return absl::OkStatus();
  if (if_unused && !x->bindings().empty()) {
    return Fail(*ch, ReplyCode::kPreconditionFailed,
                Cat(ExchangeResource(name), " in use"), m);
  }
  DeleteExchange(name);
  return absl::OkStatus();
}

void Broker::DeleteExchange(const std::string& name) {
  Exchange* x = FindExchange(name);
  if (x == nullptr) return;
  // Bindings where it is the destination go too; their sources may then
  // auto-delete.
  std::vector<std::string> sources = RemoveBindingsTo(nullptr, x);
  sources.erase(std::remove(sources.begin(), sources.end(), name), sources.end());
  exchange_by_name_.erase(name);
  ++exchange_generation_;
  exchanges_.erase(name);
  Trace(TraceKind::kExchangeDeleted, {}, "", "", name);
  for (const std::string& s : sources) MaybeAutoDeleteExchange(s);
}

std::vector<std::string> Broker::RemoveBindingsTo(const Queue* queue, const Exchange* exchange) {
  std::vector<std::string> sources;
  for (auto& [src_name, src] : exchanges_) {
    std::vector<Binding*> doomed;
    for (auto& b : src->bindings()) {
      if ((queue && b->queue == queue) || (exchange && b->exchange == exchange)) {
        doomed.push_back(b.get());
      }
    }
    for (Binding* b : doomed) src->RemoveBinding(b);
    if (!doomed.empty()) sources.push_back(src_name);
  }
  return sources;
}

void Broker::MaybeAutoDeleteExchange(const std::string& name) {
  Exchange* x = FindExchange(name);
  if (x && x->auto_delete && x->bindings().empty()) DeleteExchange(name);
}

absl::Status Broker::ExchangeBind(uint64_t id, std::string_view raw_dest,
                                  std::string_view raw_source, std::string_view key,
                                  const FieldTable& args, bool bind) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  const MethodId m = bind ? methods::kExchangeBind : methods::kExchangeUnbind;
  std::string dest = StripCrLf(raw_dest), source = StripCrLf(raw_source);
  if (dest.empty() || source.empty()) {
    return Fail(*ch, ReplyCode::kAccessRefused, kDefaultExchangeText, m);
  }
  Exchange* src = FindExchange(source);
  Exchange* dst = FindExchange(dest);
  if (src == nullptr || dst == nullptr) {
    if (!bind) return absl::OkStatus();
    return Fail(*ch, ReplyCode::kNotFound,
                Cat("no ", ExchangeResource(src == nullptr ? source : dest)), m);
  }
  Binding proto;
  proto.source = source;
  proto.destination = dest;
  proto.exchange = dst;
  proto.routing_key = std::string(key);
  proto.arguments = args;
  auto same = [&](const std::unique_ptr<Binding>& b) {
    return b->exchange == dst && b->routing_key == key && b->arguments == args;
  };
  auto it = std::find_if(src->bindings().begin(), src->bindings().end(), same);
  if (!bind) {
    if (it != src->bindings().end()) {
      src->RemoveBinding(it->get());
      MaybeAutoDeleteExchange(source);
    }
    return absl::OkStatus();
  }
  if (src->type == ExchangeType::kHeaders) {
    if (auto err = ValidateHeadersBinding(args)) {
      return Fail(*ch, ReplyCode::kPreconditionFailed, *err, m);
    }
  }
  if (it != src->bindings().end()) return absl::OkStatus();
  proto.seq = next_binding_seq_++;
  src->AddBinding(std::move(proto));
  return absl::OkStatus();
}

}  // namespace warren::internal
