// Topic exchange matching with RabbitMQ's exact word rules: "" has zero
// words, "a." has two ("a", ""), a binding word "*" matches exactly one
// (possibly empty) word, "#" zero or more; any other word is literal.
#ifndef WARREN_SIM_BROKER_TOPIC_MATCHER_H_
#define WARREN_SIM_BROKER_TOPIC_MATCHER_H_

#include <string_view>
#include <vector>

namespace warren::internal {

std::vector<std::string_view> SplitTopicWords(std::string_view key);
bool TopicMatches(std::string_view binding_key, std::string_view routing_key);

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_TOPIC_MATCHER_H_
