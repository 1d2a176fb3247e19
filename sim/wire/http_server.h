// A small HTTP/1.1 server on Boost.Beast for `warren serve`'s control plane:
// requests in, responses out, keep-alive, on the caller's io_context (the
// one thread that also owns the Simulation). Handlers may answer later (a
// long poll): they get a responder to call once.
#ifndef WARREN_SIM_WIRE_HTTP_SERVER_H_
#define WARREN_SIM_WIRE_HTTP_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace warren::internal::wire {

struct HttpRequest {
  std::string method;         // "GET", "PUT", ...
  std::string target;         // "/api/queues/%2F?columns=name"
  std::string authorization;  // the Authorization header, if any
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

using HttpResponder = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(const HttpRequest&, HttpResponder)>;

// Largest request body accepted (a definitions import); beyond it, 413.
inline constexpr uint64_t kMaxHttpBody = 16 << 20;

class HttpServer {
 public:
  // Listens on address:port (0: any free port).
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(boost::asio::io_context& io,
                                                           const std::string& address,
                                                           uint16_t port, HttpHandler handler);
  virtual ~HttpServer() = default;
  virtual uint16_t port() const = 0;
  // Stops accepting; open requests finish.
  virtual void Stop() = 0;
};

}  // namespace warren::internal::wire

#endif  // WARREN_SIM_WIRE_HTTP_SERVER_H_
