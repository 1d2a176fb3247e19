#include "sim/wire/http_server.h"

// Boost 1.74's asio/awaitable.hpp needs <utility> first under C++20.
#include <utility>

#include <optional>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "sim/core/strings.h"

namespace warren::internal::wire {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// One client of the control plane: requests one after another (HTTP/1.1
// keep-alive), each answered before the next is read.
class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(tcp::socket socket, HttpHandler* handler)
      : stream_(std::move(socket)), handler_(handler) {}

  void Read() {
    parser_.emplace();
    parser_->body_limit(kMaxHttpBody);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->OnRead(ec);
                     });
  }

 private:
  void OnRead(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return Send(HttpResponse{413, "application/json",
                               "{\"error\":\"payload_too_large\",\"reason\":\"request body over "
                               "16 MiB\"}"},
                  /*keep_alive=*/false);
    }
    if (ec) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    const auto& req = parser_->get();
    HttpRequest r{std::string(req.method_string()), std::string(req.target()),
                  std::string(req[http::field::authorization]), req.body()};
    bool keep_alive = req.keep_alive();
    (*handler_)(r, [self = shared_from_this(), keep_alive](HttpResponse resp) {
      self->Send(std::move(resp), keep_alive);
    });
  }

  void Send(HttpResponse r, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(http::field::server, "warren");
    if (r.status == 401) res->set(http::field::www_authenticate, "Basic realm=\"RabbitMQ Management\"");
    if (!r.body.empty() || r.status != 204) res->set(http::field::content_type, r.content_type);
    res->keep_alive(keep_alive);
    res->body() = std::move(r.body);
    res->prepare_payload();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
                        if (ec || !keep_alive) {
                          beast::error_code ignored;
                          self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
                          return;
                        }
                        self->Read();
                      });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpHandler* handler_;
};

class BeastServer final : public HttpServer {
 public:
  BeastServer(asio::io_context& io, HttpHandler handler)
      : acceptor_(io), handler_(std::move(handler)) {}

  absl::Status Listen(const std::string& address, uint16_t port) {
    beast::error_code ec;
    tcp::endpoint ep(asio::ip::make_address(address, ec), port);
    if (ec) return absl::InvalidArgumentError(Cat("bad address '", address, "': ", ec.message()));
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return absl::UnavailableError(
          Cat("cannot listen for HTTP on ", address, ":", port, ": ", ec.message()));
    }
    Accept();
    return absl::OkStatus();
  }

  uint16_t port() const override { return acceptor_.local_endpoint().port(); }
  void Stop() override {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  void Accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed
      std::make_shared<HttpConnection>(std::move(socket), &handler_)->Read();
      Accept();
    });
  }

  tcp::acceptor acceptor_;
  HttpHandler handler_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(asio::io_context& io,
                                                              const std::string& address,
                                                              uint16_t port, HttpHandler handler) {
  auto server = std::make_unique<BeastServer>(io, std::move(handler));
  if (absl::Status s = server->Listen(address, port); !s.ok()) return s;
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace warren::internal::wire
