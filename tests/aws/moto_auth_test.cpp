// moto with signature checking on: curl-signed calls with real (IAM-issued) credentials pass, a
// wrong secret is a permanent auth error. moto only knows keys its IAM issued, so the server
// starts with INITIAL_NO_AUTH_ACTION_COUNT=3: exactly the three IAM calls that create a user, an
// allow-all inline policy and an access key; every call after them is verified.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "adapters/aws/aws_json_client.h"
#include "adapters/http/http_client.h"
#include "tests/aws/moto_server.h"

using rpmw::adapters::aws::AwsCredentials;
using rpmw::adapters::aws::AwsJsonClient;
using rpmw::core::ErrorKind;
using rpmw::testing::MotoServer;
using rpmw::testing::MotoServerOptions;

namespace aws = rpmw::adapters::aws;
namespace http = rpmw::adapters::http;

namespace {

std::string xml_value(const std::string& xml, const std::string& tag) {
  const std::string open = "<" + tag + ">";
  const auto start = xml.find(open);
  const auto end = xml.find("</" + tag + ">");
  if (start == std::string::npos || end == std::string::npos) return {};
  return xml.substr(start + open.size(), end - start - open.size());
}

std::string iam_call(MotoServer& moto, const std::string& form) {
  http::HttpClient client(http::vendor_client_options(moto.endpoint_url(), ""));
  http::HttpRequest request;
  request.method = "POST";
  request.url = moto.endpoint_url() + "/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = form + "&Version=2010-05-08";
  request.sigv4 = http::AwsSigV4{"us-east-1", "iam", "AKIDBOOTSTRAP", "bootstrap", ""};
  const auto response = client.send(request);
  if (!response || response->status != 200) {
    throw std::runtime_error("IAM bootstrap call failed: " + form.substr(0, form.find('&')));
  }
  return response->body;
}

AwsCredentials issue_admin_key(MotoServer& moto) {
  iam_call(moto, "Action=CreateUser&UserName=rpmw-test");
  // {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}
  iam_call(moto,
           "Action=PutUserPolicy&UserName=rpmw-test&PolicyName=all&PolicyDocument="
           "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow"
           "%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D");
  const std::string key = iam_call(moto, "Action=CreateAccessKey&UserName=rpmw-test");
  AwsCredentials credentials{xml_value(key, "AccessKeyId"), xml_value(key, "SecretAccessKey"), ""};
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    throw std::runtime_error("IAM CreateAccessKey answered without a key");
  }
  return credentials;
}

}  // namespace

TEST_CASE("aws/moto: with signature checking, the right secret passes and a wrong one fails") {
  MotoServerOptions options;
  options.initial_no_auth_action_count = 3;
  MotoServer moto(options);
  const AwsCredentials good = issue_admin_key(moto);

  AwsJsonClient sqs(aws::sqs_service(), moto.endpoint(), good);
  const auto created = sqs.call("CreateQueue", {{"QueueName", "auth-check"}});
  REQUIRE_MESSAGE(created.has_value(), created.error().code);
  const auto listed = sqs.call("ListQueues", {});
  REQUIRE_MESSAGE(listed.has_value(), listed.error().code);

  AwsJsonClient ssm(aws::ssm_service(), moto.endpoint(), good);
  const auto put =
      ssm.call("PutParameter",
               {{"Name", "/rpmw/auth/x"}, {"Value", "1"}, {"Type", "String"}, {"Overwrite", true}});
  REQUIRE_MESSAGE(put.has_value(), put.error().code);

  AwsCredentials wrong = good;
  wrong.secret_access_key += "x";
  AwsJsonClient bad(aws::sqs_service(), moto.endpoint(), wrong);
  const auto denied = bad.call("ListQueues", {});
  REQUIRE_FALSE(denied.has_value());
  CHECK(denied.error().kind == ErrorKind::permanent);
  CHECK_MESSAGE((denied.error().code == "aws_SignatureDoesNotMatch" ||
                 denied.error().code == "aws_InvalidSignatureException"),
                denied.error().code);

  AwsCredentials unknown{"AKIDNOTISSUED", "whatever", ""};
  AwsJsonClient stranger(aws::sqs_service(), moto.endpoint(), unknown);
  const auto rejected = stranger.call("ListQueues", {});
  REQUIRE_FALSE(rejected.has_value());
  CHECK(rejected.error().kind == ErrorKind::permanent);
  CHECK(rejected.error().code.starts_with("aws_"));
}
