// Prints Warren's AMQP method table as JSON, for method_table_crosscheck.py.
#include <iostream>

#include "sim/wire/method_table.h"

int main() {
  using warren::internal::wire::ArgType;
  const char* names[] = {"octet", "short", "long", "longlong", "shortstr", "longstr", "bit",
                         "table", "timestamp"};
  std::cout << "[";
  bool first = true;
  for (const auto& m : warren::internal::wire::AllMethods()) {
    std::cout << (first ? "" : ",") << "\n{\"class\":" << m.class_id << ",\"method\":" << m.method_id
              << ",\"name\":\"" << m.name << "\",\"content\":" << (m.content ? "true" : "false")
              << ",\"args\":[";
    for (size_t i = 0; i < m.args.size(); ++i) {
      std::cout << (i ? "," : "") << "[\"" << names[static_cast<int>(m.args[i].type)] << "\",\""
                << m.args[i].name << "\"]";
    }
    std::cout << "]}";
    first = false;
  }
  std::cout << "\n]\n";
}
