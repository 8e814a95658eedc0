#include "steps/credentials_sync.h"

#include <algorithm>

#include "util/json.h"
#include "util/strings.h"

namespace taupage {

std::string CredentialsSync::summary() const {
  std::vector<std::string> parts;
  for (const auto& name : created) parts.push_back(name + " created");
  for (const auto& name : changed) parts.push_back(name + " changed");
  for (const auto& name : kept) parts.push_back(name + " kept (unchanged)");
  std::string text = join(parts, ", ");
  if (!problems.empty()) text += (text.empty() ? "" : "; ") + join(problems, "; ");
  return text;
}

std::string explain_s3_failure(const std::string& bucket, const std::string& key, const std::string& application_id, const AwsError& error,
                               const std::string& message) {
  std::string object = "s3://" + bucket + "/" + key;
  if (error.status == 403 && (error.code == "AccessDenied" || error.code.empty())) {
    return object + ": access denied (" + error.describe() + "): check that the bucket policy of " + bucket +
           " and the instance's role allow s3:GetObject on arn:aws:s3:::" + bucket + "/" + application_id +
           "/* for this role (S3 also answers 403 for a missing object when the role may not list the bucket)";
  }
  if (error.status == 404 && error.code == "NoSuchBucket") {
    return object + ": the bucket " + bucket + " does not exist (NoSuchBucket): check mint_bucket in the user data";
  }
  if (error.status == 404) {
    return object + " does not exist (" + (error.code.empty() ? "HTTP 404" : error.code) + "): check that application_id " +
           quote(application_id) + " is the id the credentials are issued for (they are written to <application_id>/" +
           key.substr(key.rfind('/') + 1) + " in " + bucket + ")";
  }
  return message;
}

CredentialsSync sync_credentials(S3Client& s3, const std::string& bucket, const std::string& application_id,
                                 const CredentialsFolder& folder) {
  CredentialsSync result;
  if (auto prepared = folder.prepare(); !prepared) {
    result.problems.push_back("the credentials folder: " + prepared.error().message());
    return result;
  }
  for (const char* name : kCredentialFiles) {
    std::string key = application_id + "/" + name;
    auto body = s3.get_object(bucket, key);
    if (!body) {
      result.problems.push_back(explain_s3_failure(bucket, key, application_id, s3.last_error(), body.error().message()));
      continue;
    }
    Secret content(std::move(*body));
    std::string where = "s3://" + bucket + "/" + key;
    if (content.reveal().size() > kMaxCredentialBytes) {
      result.problems.push_back(strfmt("%s is %zu bytes, more than a credentials file can be (%zu); %s/%s left as it was", where.c_str(),
                                       content.reveal().size(), kMaxCredentialBytes, folder.path().c_str(), name));
      continue;
    }
    // Only where the parser stopped is told, never what it read there: the body is a secret.
    if (auto parsed = parse_json(content.reveal(), JsonLimits{kMaxCredentialBytes, 64}); !parsed) {
      std::string why = parsed.error().message();
      result.problems.push_back(where + " is not valid JSON (" + why.substr(0, why.find(':')) + "); " + folder.path() + "/" + name +
                                " left as it was");
      continue;
    }
    auto written = folder.put(name, content);
    if (!written) {
      result.problems.push_back(written.error().message());
      continue;
    }
    switch (*written) {
      case CredentialWrite::Created: result.created.push_back(name); break;
      case CredentialWrite::Changed: result.changed.push_back(name); break;
      case CredentialWrite::Kept: result.kept.push_back(name); break;
    }
  }
  return result;
}

int64_t credentials_refresh_delay_ms(int64_t interval_s, int failures_in_a_row, double random01) {
  int64_t base_ms = interval_s * 1000;
  if (failures_in_a_row > 0) {
    int64_t cap_ms = std::max<int64_t>(base_ms, 15 * 60 * 1000);
    for (int i = 0; i < failures_in_a_row && base_ms < cap_ms; ++i) base_ms *= 2;
    base_ms = std::min(base_ms, cap_ms);
  }
  double factor = 0.9 + 0.2 * std::clamp(random01, 0.0, 1.0);
  return std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(base_ms) * factor));
}

}  // namespace taupage
