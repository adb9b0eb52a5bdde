#include "adapters/http/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

namespace rpmw::adapters::http {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string_view in) {
  std::string out(in);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

struct Transfer {
  HttpResponse* response;
  std::size_t max_bytes;
  bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (transfer->response->body.size() + n > transfer->max_bytes) {
    transfer->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  transfer->response->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* response = static_cast<Transfer*>(user)->response;
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    response->headers.clear();  // a new response follows (after 100 Continue)
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    auto [it, inserted] =
        response->headers.try_emplace(lower(trim(line.substr(0, colon))), std::string());
    const std::string_view value = trim(line.substr(colon + 1));
    if (!inserted) it->second += ", ";
    it->second += value;
  }
  return size * count;
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

bool append(Slist& list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (grown == nullptr) return false;
  (void)list.release();
  list.reset(grown);
  return true;
}

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using Url = std::unique_ptr<CURLU, UrlDeleter>;

// One string out of a parsed URL, lower-cased; empty when the part is missing.
std::string url_part(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, 0) != CURLUE_OK || value == nullptr) return {};
  std::string out = lower(value);
  curl_free(value);
  return out;
}

// Parses once with curl's own parser; the same handle is then given to the transfer, so the host
// that was checked is the host that is contacted.
Url parse_url(const std::string& text) {
  global_init();
  Url url(curl_url());
  if (!url || curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return nullptr;
  return url;
}

bool web_scheme(CURLU* url) {
  const std::string scheme = url_part(url, CURLUPART_SCHEME);
  return scheme == "http" || scheme == "https";
}

bool allowed(const std::vector<std::string>& hosts, const std::string& host) {
  return !host.empty() && std::any_of(hosts.begin(), hosts.end(),
                                      [&](const std::string& h) { return lower(h) == host; });
}

core::Error transport_error(CURLcode code, bool too_large) {
  if (too_large) return {core::ErrorKind::permanent, "response_too_large", std::nullopt};
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return {core::ErrorKind::transient, "timeout", std::nullopt};
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return {core::ErrorKind::transient, "connect_failed", std::nullopt};
    default:
      return {core::ErrorKind::transient, "http_error", std::nullopt};
  }
}

}  // namespace

std::string url_host(std::string_view url) {
  const Url parsed = parse_url(std::string(url));
  if (!parsed || !web_scheme(parsed.get())) return {};
  return url_part(parsed.get(), CURLUPART_HOST);
}

HttpClientOptions vendor_client_options(std::string_view base_url, std::string ca_bundle_path) {
  HttpClientOptions options;
  options.ca_bundle_path = std::move(ca_bundle_path);
  if (std::string host = url_host(base_url); !host.empty()) {
    options.allowed_hosts.push_back(std::move(host));
  }
  return options;
}

std::string_view HttpResponse::header(std::string_view lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string_view() : std::string_view(it->second);
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
  global_init();
  handle_ = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (handle_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(handle_));
}

core::Result<HttpResponse> HttpClient::send(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(handle_);
  if (curl == nullptr) return core::fail(core::ErrorKind::internal, "curl_init_failed");
  const Url url = parse_url(request.url);
  if (!url) return core::fail(core::ErrorKind::permanent, "invalid_url");
  if (!web_scheme(url.get()) ||
      !allowed(options_.allowed_hosts, url_part(url.get(), CURLUPART_HOST))) {
    return core::fail(core::ErrorKind::permanent, "egress_denied");
  }
  const bool has_body = request.method == "POST" || !request.body.empty();
  const bool signed_request = request.sigv4.has_value();
  bool has_content_type = false;
  bool has_host = false;
  for (const auto& [name, value] : request.headers) {
    const std::string name_lower = lower(name);
    has_content_type = has_content_type || name_lower == "content-type";
    has_host = has_host || name_lower == "host";
    if (signed_request && value.empty()) {
      return core::fail(core::ErrorKind::invalid_input, "signed_empty_header");
    }
  }
  if (signed_request && has_body && !has_content_type) {
    return core::fail(core::ErrorKind::invalid_input, "signed_body_without_content_type");
  }
  if (signed_request && (request.sigv4->region.empty() || request.sigv4->service.empty())) {
    return core::fail(core::ErrorKind::invalid_input, "sigv4_region_and_service_required");
  }
  curl_easy_reset(curl);  // options only; the connection cache survives

  HttpResponse response;
  Transfer transfer{&response, options_.max_response_bytes};
  curl_easy_setopt(curl, CURLOPT_CURLU, url.get());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for timeouts
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!options_.ca_bundle_path.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle_path.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);

  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method != "POST") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (has_body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }

  Slist headers;
  bool ok = true;
  if (signed_request) {
    // curl signs every header of the list. The Host it would sign itself may lack the port that
    // it sends (emulators listen on one), so the exact authority of the URL is given and signed.
    // Bodies of AWS JSON calls stay far below curl's 1 MiB Expect: 100-continue threshold.
    if (!has_host) {
      std::string authority = url_part(url.get(), CURLUPART_HOST);
      if (const std::string port = url_part(url.get(), CURLUPART_PORT); !port.empty()) {
        authority += ":" + port;
      }
      ok = append(headers, "Host: " + authority);
    }
    if (!request.sigv4->session_token.empty()) {
      ok = ok && append(headers, "X-Amz-Security-Token: " + request.sigv4->session_token);
    }
  } else {
    // The body follows the headers at once; a 100-continue round trip only adds latency.
    ok = append(headers, "Expect:");
  }
  for (const auto& [name, value] : request.headers) {
    ok = ok && append(headers, value.empty() ? name + ";" : name + ": " + value);
  }
  // Without this curl would label a body as a form.
  if (has_body && !has_content_type) ok = ok && append(headers, "Content-Type:");
  if (!ok) return core::fail(core::ErrorKind::internal, "out_of_memory");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());

  std::string sigv4_provider;
  if (signed_request) {
    const AwsSigV4& sig = *request.sigv4;
    sigv4_provider = "aws:amz:" + sig.region + ":" + sig.service;
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4_provider.c_str());
    curl_easy_setopt(curl, CURLOPT_USERNAME, sig.access_key_id.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, sig.secret_access_key.c_str());
  }

  const CURLcode code = curl_easy_perform(curl);
  // The header list and the URL must outlive the transfer only; curl keeps no pointer past reset.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_CURLU, nullptr);
  if (code != CURLE_OK) {
    return tl::unexpected(transport_error(code, transfer.too_large));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  if (response.status >= 300 && response.status < 400) {
    return core::fail(core::ErrorKind::permanent, "redirect_not_followed");
  }
  return response;
}

core::Result<HttpResponse> HttpClientPool::send(const HttpRequest& request) {
  std::unique_ptr<HttpClient> client;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      client = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!client) client = std::make_unique<HttpClient>(options_);
  auto response = client->send(request);
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(client));
  return response;
}

}  // namespace rpmw::adapters::http
