#include "tests/support/http_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace rpmw::testing {

namespace {
void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

struct Transfer {
  const std::string* upload = nullptr;
  std::size_t upload_offset = 0;
  HttpResponse* response = nullptr;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  t->response->body.append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    t->response->headers.clear();  // a new response (e.g. after 100 Continue)
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    t->response->headers[lower(std::string(line.substr(0, colon)))] = trim(line.substr(colon + 1));
  }
  return size * count;
}

// Feeds the body in small pieces so a chunked upload really is several chunks.
std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t left = t->upload->size() - t->upload_offset;
  const std::size_t n = std::min({left, size * count, std::size_t{4096}});
  std::memcpy(buffer, t->upload->data() + t->upload_offset, n);
  t->upload_offset += n;
  return n;
}
}  // namespace

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient() {
  global_init();
  handle_ = curl_easy_init();
  if (handle_ == nullptr) throw std::runtime_error("curl_easy_init failed");
}

HttpClient::~HttpClient() {
  curl_easy_cleanup(static_cast<CURL*>(handle_));
}

HttpResponse HttpClient::request(const std::string& method, const std::string& url,
                                 const Headers& headers, const std::string& body,
                                 std::chrono::milliseconds timeout) {
  HttpRequest r;
  r.method = method;
  r.url = url;
  r.headers = headers;
  r.body = body;
  r.send_body = !body.empty() || method == "POST" || method == "PUT";
  r.timeout = timeout;
  return send(r);
}

HttpResponse HttpClient::send(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(handle_);
  curl_easy_reset(curl);  // keeps the connection cache
  HttpResponse response;
  Transfer transfer{&request.body, 0, &response};

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");  // never route loopback tests through a proxy
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  if (!request.source_address.empty()) {
    curl_easy_setopt(curl, CURLOPT_INTERFACE, ("host!" + request.source_address).c_str());
  }

  const bool has_body = request.send_body || !request.body.empty() || request.chunked;
  if (request.chunked) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
  } else if (has_body) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }
  if (request.method != "GET" && request.method != "HEAD" &&
      !(has_body && request.method == "POST")) {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  curl_slist* list = nullptr;
  // No "Expect: 100-continue": the body goes right after the headers, as Richpanel sends it.
  list = curl_slist_append(list, "Expect:");
  if (request.chunked) list = curl_slist_append(list, "Transfer-Encoding: chunked");
  // Content-Type is only what the caller asks for (curl would add a form type otherwise).
  bool has_content_type = false;
  for (const auto& [name, value] : request.headers) {
    has_content_type |= lower(name) == "content-type";
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    list = curl_slist_append(list, line.c_str());
  }
  if (has_body && !has_content_type) list = curl_slist_append(list, "Content-Type:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);

  const CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) response.error = curl_easy_strerror(rc);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = status;
  curl_slist_free_all(list);
  return response;
}

std::string send_raw(const std::string& address, const std::string& bytes,
                     std::chrono::milliseconds timeout) {
  std::string host_port = address;
  if (const auto scheme = host_port.find("://"); scheme != std::string::npos) {
    host_port = host_port.substr(scheme + 3);
  }
  const auto colon = host_port.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("send_raw: expected host:port");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(host_port.substr(colon + 1))));
  if (::inet_pton(AF_INET, host_port.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
    throw std::invalid_argument("send_raw: expected an IPv4 address");
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("send_raw: socket failed");
  std::string received;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[16384];
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      received.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return received;
}

HttpResponse parse_raw_response(const std::string& raw) {
  HttpResponse response;
  const auto end = raw.find("\r\n\r\n");
  if (!raw.starts_with("HTTP/") || end == std::string::npos) {
    response.error = raw.empty() ? "no response" : "malformed response";
    return response;
  }
  const std::string head = raw.substr(0, end);
  const auto first_space = head.find(' ');
  if (first_space != std::string::npos) response.status = std::atol(head.c_str() + first_space + 1);
  std::size_t pos = head.find("\r\n");
  while (pos != std::string::npos) {
    const std::size_t next = head.find("\r\n", pos + 2);
    const std::string line =
        head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    if (const auto colon = line.find(':'); colon != std::string::npos) {
      response.headers[lower(line.substr(0, colon))] =
          trim(std::string_view(line).substr(colon + 1));
    }
    pos = next;
  }
  response.body = raw.substr(end + 4);
  if (auto length = response.headers.find("content-length"); length != response.headers.end()) {
    const auto n = static_cast<std::size_t>(std::stoull(length->second));
    if (response.body.size() > n) response.body.resize(n);
  }
  return response;
}

}  // namespace rpmw::testing
