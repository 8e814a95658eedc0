#include "aws/ec2.h"

#include "aws/xml_reader.h"
#include "util/strings.h"

namespace taupage {

namespace {
constexpr const char* kVersion = "2016-11-15";

HttpRequest form_request(const std::vector<std::pair<std::string, std::string>>& params) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = form_encode(params);
  return request;
}

std::string text_of(const XmlElement& e, std::string_view name) { return std::string(trim(e.child_text(name))); }
}  // namespace

std::string Volume::tag(const std::string& key) const {
  for (const auto& [k, v] : tags) {
    if (k == key) return v;
  }
  return {};
}

Result<std::pair<std::vector<Volume>, std::string>> parse_describe_volumes(const std::string& xml) {
  auto root = parse_xml(xml);
  if (!root) return Error(root.error()).wrap("DescribeVolumes answer");
  if (root->name != "DescribeVolumesResponse") return Error("DescribeVolumes answer: unexpected root <" + root->name + ">");
  std::vector<Volume> volumes;
  if (const XmlElement* set = root->child("volumeSet")) {
    for (const auto& item : set->children) {
      if (item.name != "item") continue;
      Volume v;
      v.id = text_of(item, "volumeId");
      v.availability_zone = text_of(item, "availabilityZone");
      v.status = text_of(item, "status");
      v.size_gib = static_cast<int64_t>(parse_uint(text_of(item, "size")).value_or(0));
      if (const XmlElement* tags = item.child("tagSet")) {
        for (const auto& t : tags->children) v.tags.emplace_back(t.child_text("key"), t.child_text("value"));
      }
      if (const XmlElement* attachments = item.child("attachmentSet")) {
        for (const auto& a : attachments->children) {
          v.attachments.push_back({text_of(a, "instanceId"), text_of(a, "device"), text_of(a, "status")});
        }
      }
      if (v.id.empty()) return Error("DescribeVolumes answer: a volume without volumeId");
      volumes.push_back(std::move(v));
    }
  }
  return std::make_pair(std::move(volumes), text_of(*root, "nextToken"));
}

Result<std::vector<Volume>> Ec2Client::describe_volumes(const std::vector<Ec2Filter>& filters, const std::vector<std::string>& volume_ids) {
  std::vector<Volume> all;
  std::string next_token;
  for (int page = 0; page < kMaxPages; ++page) {
    std::vector<std::pair<std::string, std::string>> params = {{"Action", "DescribeVolumes"}, {"Version", kVersion}};
    for (size_t i = 0; i < filters.size(); ++i) {
      params.emplace_back(strfmt("Filter.%zu.Name", i + 1), filters[i].name);
      for (size_t j = 0; j < filters[i].values.size(); ++j)
        params.emplace_back(strfmt("Filter.%zu.Value.%zu", i + 1, j + 1), filters[i].values[j]);
    }
    for (size_t i = 0; i < volume_ids.size(); ++i) params.emplace_back(strfmt("VolumeId.%zu", i + 1), volume_ids[i]);
    if (!next_token.empty()) params.emplace_back("NextToken", next_token);
    auto response = service_.call("DescribeVolumes", form_request(params), AwsProtocol::Ec2);
    if (!response) return response.error();
    auto parsed = parse_describe_volumes(response->body);
    if (!parsed) return parsed.error();
    for (auto& v : parsed->first) all.push_back(std::move(v));
    if (parsed->second.empty()) return all;
    if (parsed->second == next_token) return Error("DescribeVolumes: the answer repeats its NextToken");
    next_token = parsed->second;
  }
  return Error(strfmt("DescribeVolumes: more than %d pages", kMaxPages));
}

Result<VolumeAttachment> Ec2Client::attach_volume(const std::string& volume_id, const std::string& instance_id, const std::string& device) {
  auto response = service_.call(
      "AttachVolume",
      form_request(
          {{"Action", "AttachVolume"}, {"Version", kVersion}, {"VolumeId", volume_id}, {"InstanceId", instance_id}, {"Device", device}}),
      AwsProtocol::Ec2);
  if (!response) return response.error();
  auto root = parse_xml(response->body);
  if (!root) return Error(root.error()).wrap("AttachVolume answer");
  if (root->name != "AttachVolumeResponse") return Error("AttachVolume answer: unexpected root <" + root->name + ">");
  return VolumeAttachment{text_of(*root, "instanceId"), text_of(*root, "device"), text_of(*root, "status")};
}

}  // namespace taupage
