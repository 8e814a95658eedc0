// libFuzzer target: the bounded XML reader and the AWS error and DescribeVolumes readers on top.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/aws_error.h"
#include "aws/ec2.h"
#include "aws/xml_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto root = taupage::parse_xml(text);
  if (root) (void)root->find("Error");
  (void)taupage::parse_describe_volumes(text);
  taupage::HttpResponse response;
  response.status = 400;
  response.body = text;
  for (auto protocol :
       {taupage::AwsProtocol::Ec2, taupage::AwsProtocol::Query, taupage::AwsProtocol::Json, taupage::AwsProtocol::RestXml}) {
    (void)taupage::parse_aws_error(protocol, response).describe();
  }
  return 0;
}
