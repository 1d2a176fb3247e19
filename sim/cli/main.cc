// The warren CLI. For now: version and usage; scenario replay is issue 3.
#include <cstring>
#include <iostream>

#include "warren/version.h"

int main(int argc, char** argv) {
  if (argc >= 2 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "version") == 0)) {
    std::cout << "warren " << WARREN_VERSION_STRING << " (models RabbitMQ "
              << WARREN_MODELED_RABBITMQ << ")\n";
    return 0;
  }
  std::cerr << "usage: warren --version\n"
               "       warren run FILE...        (not implemented yet)\n";
  return argc >= 2 && std::strcmp(argv[1], "--help") == 0 ? 0 : 2;
}
