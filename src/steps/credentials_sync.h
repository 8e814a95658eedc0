/// The application's credentials from the mint bucket: s3://<mint_bucket>/<application_id>/
/// user.json and client.json, fetched with the instance's role, checked as JSON and written into
/// the credentials folder when they changed. Shared by the credentials step (once, before the
/// container) and `taupage credentials` (every 120 s); the original's berry did the same.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aws/retry_policy.h"
#include "aws/s3.h"
#include "host/credentials_folder.h"

namespace taupage {

inline constexpr const char* kCredentialFiles[] = {"user.json", "client.json"};
inline constexpr int kCredentialsIntervalSeconds = 120;
// A credentials file larger than this is not one (and is not kept in memory as a secret).
inline constexpr size_t kMaxCredentialBytes = 1024 * 1024;

struct CredentialsSync {
  std::vector<std::string> created, changed, kept;  // file names
  std::vector<std::string> problems;                // one sentence per file that failed
  bool ok() const { return problems.empty(); }
  // "user.json changed, client.json kept" and, when some failed, their problems.
  std::string summary() const;
};

// Fetches both files and writes those that are valid JSON and changed; a file that fails leaves
// its copy in the folder as it was. A folder that cannot be prepared fails every file.
CredentialsSync sync_credentials(S3Client& s3, const std::string& bucket, const std::string& application_id,
                                 const CredentialsFolder& folder);

// What to tell the user about a failed GetObject of s3://bucket/key: which object, and what to
// check for a 403 (bucket policy, the instance's role) or a 404 (the bucket, the application id).
std::string explain_s3_failure(const std::string& bucket, const std::string& key, const std::string& application_id, const AwsError& error,
                               const std::string& message);

// The pause before the next refresh: the interval with +-10 % jitter after a success; after n
// failures in a row the interval doubled n times, capped at max(interval, 15 minutes), with the
// same jitter. random01 is in [0, 1).
int64_t credentials_refresh_delay_ms(int64_t interval_s, int failures_in_a_row, double random01);

}  // namespace taupage
