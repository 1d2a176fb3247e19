// Observation -> canonical JSON, the shape tests/conformance/rabbit_runner.py
// writes for a real broker. Only what a client sees on the wire goes in.
#include <string>

#include "nlohmann/json.hpp"
#include "warren/observation.h"

namespace warren {
namespace {

using nlohmann::json;

json ToJson(const FieldValue& v, bool in_x_death);

json ToJson(const FieldTable& t, bool x_death_entry) {
  json out = json::object();
  for (const auto& [key, value] : t) {
    // x-death "time" is a wall-clock timestamp on a real broker.
    if (x_death_entry && key == "time") continue;
    out[key] = ToJson(value, key == "x-death");
  }
  return out;
}

json ToJson(const FieldValue& v, bool in_x_death) {
  switch (v.type()) {
    case FieldType::kVoid: return nullptr;
    case FieldType::kBool: return v.as_bool();
    case FieldType::kFloat:
    case FieldType::kDouble: return v.as_double();
    case FieldType::kLongString:
    case FieldType::kBinary: return v.as_string();
    case FieldType::kTimestamp: return json{{"timestamp", v.as_int()}};
    case FieldType::kArray: {
      json out = json::array();
      for (const FieldValue& e : v.as_array()) out.push_back(ToJson(e, in_x_death));
      return out;
    }
    case FieldType::kTable: return ToJson(v.as_table(), in_x_death);
    default: return v.as_int();
  }
}

json ToJson(const BasicProperties& p) {
  json out = json::object();
  auto put = [&](const char* key, const auto& field) {
    if (field) out[key] = *field;
  };
  put("content_type", p.content_type);
  put("content_encoding", p.content_encoding);
  if (p.headers) out["headers"] = ToJson(*p.headers, false);
  put("delivery_mode", p.delivery_mode);
  put("priority", p.priority);
  put("correlation_id", p.correlation_id);
  put("reply_to", p.reply_to);
  put("expiration", p.expiration);
  put("message_id", p.message_id);
  put("timestamp", p.timestamp);
  put("type", p.type);
  put("user_id", p.user_id);
  put("app_id", p.app_id);
  put("cluster_id", p.cluster_id);
  return out;
}

json ToJson(const ObservedMessage& m) {
  return {{"exchange", m.exchange},
          {"routing_key", m.routing_key},
          {"redelivered", m.redelivered},
          {"properties", ToJson(m.properties)},
          {"body", m.body}};
}

json ToJson(const ObservedDelivery& d) {
  json out = ToJson(d.message);
  out["consumer_tag"] = d.consumer_tag;
  out["delivery_tag"] = d.delivery_tag;
  return out;
}

json ToJson(const ObservedReply& r) {
  json out = json::object();
  if (r.message_count) out["message_count"] = *r.message_count;
  if (r.consumer_count) out["consumer_count"] = *r.consumer_count;
  if (r.got) out["message"] = ToJson(*r.got);
  if (r.empty) out["empty"] = true;
  return out;
}

}  // namespace

std::string ObservationToJson(const Observation& o) {
  json steps = json::array();
  for (const ObservedStep& s : o.steps) {
    json step = {{"pointer", s.pointer}, {"code", s.code}};
    if (s.code != 0 || !s.text.empty()) {
      step["closes"] = s.closes;
      step["text"] = s.text;
    }
    if (s.reply) step["reply"] = ToJson(*s.reply);
    steps.push_back(std::move(step));
  }
  json channels = json::object();
  for (const auto& [key, list] : o.channels) {
    json& out = channels[key] = json::array();
    for (const ObservedDelivery& d : list) out.push_back(ToJson(d));
  }
  json deliveries = json::object();
  for (const auto& [client, list] : o.deliveries) {
    json& out = deliveries[client] = json::array();
    for (const ObservedMessage& m : list) out.push_back(ToJson(m));
  }
  json client_events = json::object();
  for (const auto& [client, events] : o.client_events) client_events[client] = events;
  json returns = json::array();
  for (const ObservedReturn& r : o.returns) {
    json m = ToJson(r.message);
    m["reply_code"] = r.reply_code;
    m["reply_text"] = r.reply_text;
    m.erase("redelivered");
    returns.push_back(std::move(m));
  }
  json confirms = json::array();
  for (bool ack : o.confirms) confirms.push_back(ack ? "ack" : "nack");
  json queues = json::object();
  for (const ObservedQueue& q : o.queues) {
    json ready = json::array();
    for (const ObservedMessage& m : q.ready) ready.push_back(ToJson(m));
    queues[q.name] = {{"unacked", q.unacked}, {"ready", std::move(ready)}};
  }
  json doc = {{"steps", std::move(steps)},         {"deliveries", std::move(deliveries)},
              {"client_events", std::move(client_events)},
              {"channels", std::move(channels)},
              {"returns", std::move(returns)},     {"confirms", std::move(confirms)},
              {"queues", std::move(queues)},       {"exchanges", o.exchanges}};
  // Bodies and header strings are bytes: invalid UTF-8 prints as U+FFFD,
  // as Python's decode("utf-8", "replace") does on the recorder's side.
  return doc.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace warren
